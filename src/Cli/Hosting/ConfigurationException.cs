namespace StreamRec.Cli.Hosting;

/// <summary>Configuration that cannot start the process; the message names the key. Exit code 2.</summary>
public sealed class ConfigurationException : Exception
{
    public ConfigurationException()
    {
    }

    public ConfigurationException(string message)
        : base(message)
    {
    }

    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
