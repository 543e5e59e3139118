namespace StreamRec.IntegrationTests.Infrastructure;

/// <summary>Waits for a condition by polling with a deadline (tests never sleep a fixed time).</summary>
public static class Eventually
{
    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        TrueAsync(condition, timeout, () => what);

    /// <summary>As above; <c>describe</c> is evaluated at the deadline, so it can report the state reached.</summary>
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for: {describe()}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>As above, for a condition that must itself be awaited (e.g. a Redis query).</summary>
    public static Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        TrueAsync(condition, timeout, () => what);

    /// <summary>As above; <c>describe</c> is evaluated at the deadline, so it can report the state reached.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for: {describe()}");
            }

            await Task.Delay(20);
        }
    }
}
