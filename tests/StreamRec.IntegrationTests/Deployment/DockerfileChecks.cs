using System.Text.RegularExpressions;

namespace StreamRec.IntegrationTests.Deployment;

/// <summary>
/// What a test can check of a Dockerfile without building it: base images pinned by a tag (never
/// <c>latest</c>, never a variable), the image running as a non-root user, no secret baked into it,
/// every file it copies from the build context present and not excluded by .dockerignore, and
/// <c>streamrec</c> as the entry point. <see cref="Check"/> returns one line per problem.
/// </summary>
public static partial class DockerfileChecks
{
    public static IReadOnlyList<string> Check(Dockerfile dockerfile, string contextDirectory)
    {
        ArgumentNullException.ThrowIfNull(dockerfile);
        var problems = new List<string>();
        if (dockerfile.Stages.Count == 0)
        {
            return ["no FROM instruction"];
        }

        CheckBaseImages(dockerfile, problems);
        CheckUser(dockerfile, problems);
        CheckSecrets(dockerfile, problems);
        CheckCopies(dockerfile, contextDirectory, problems);

        var entrypoint = dockerfile.In(dockerfile.Final).LastOrDefault(i => i.Keyword == "ENTRYPOINT");
        if (entrypoint is null || !EntryPoint().IsMatch(entrypoint.Arguments))
        {
            problems.Add($"the image's ENTRYPOINT is not streamrec ({entrypoint?.ToString() ?? "none"})");
        }

        return problems;
    }

    private static void CheckBaseImages(Dockerfile dockerfile, List<string> problems)
    {
        var aliases = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var stage in dockerfile.Stages)
        {
            var image = stage.BaseImage;
            if (!aliases.Contains(image))
            {
                var name = image.Split('@')[0];
                var tag = name.LastIndexOf(':') > name.LastIndexOf('/') ? name[(name.LastIndexOf(':') + 1)..] : null;
                if (image.Contains('$', StringComparison.Ordinal))
                {
                    problems.Add($"line {stage.Line}: base image {image} is a variable, not pinned in the file");
                }
                else if (!image.Contains("@sha256:", StringComparison.Ordinal) && (tag is null || tag == "latest"))
                {
                    problems.Add($"line {stage.Line}: base image {image} is not pinned by a tag ({(tag is null ? "no tag" : "latest")})");
                }
            }

            if (stage.Alias is not null)
            {
                aliases.Add(stage.Alias);
            }
        }
    }

    private static void CheckUser(Dockerfile dockerfile, List<string> problems)
    {
        var user = dockerfile.In(dockerfile.Final).LastOrDefault(i => i.Keyword == "USER");
        if (user is null)
        {
            problems.Add("the image has no USER: it would run as root");
            return;
        }

        var name = user.Arguments.Split(':')[0].Trim();
        if (name is "root" or "0" || name.Length == 0)
        {
            problems.Add($"{user}: the image runs as root");
        }

        if (dockerfile.In(dockerfile.Final).FirstOrDefault(i => i.Line > user.Line && i.Keyword == "RUN") is { } run)
        {
            problems.Add($"{run}: RUN after USER (set the user last, once the image is assembled)");
        }
    }

    private static void CheckSecrets(Dockerfile dockerfile, List<string> problems)
    {
        foreach (var instruction in dockerfile.Instructions)
        {
            if (instruction.Keyword is "ENV" or "ARG" or "LABEL")
            {
                foreach (Match assignment in Assignment().Matches(instruction.Arguments))
                {
                    if (SecretName().IsMatch(assignment.Groups[1].Value) && assignment.Groups[2].Value.Trim('"', '\'').Length > 0)
                    {
                        problems.Add($"{instruction}: {assignment.Groups[1].Value} is given a value in the image (a secret must come from the environment at run time)");
                    }
                }
            }

            if (SecretValue().IsMatch(instruction.Arguments))
            {
                problems.Add($"{instruction}: sets a secret");
            }

            if (instruction.Keyword is "COPY" or "ADD" && SecretFile().IsMatch(instruction.Arguments))
            {
                problems.Add($"{instruction}: copies a key or credentials file into the image");
            }
        }
    }

    private static void CheckCopies(Dockerfile dockerfile, string contextDirectory, List<string> problems)
    {
        var ignored = File.Exists(Path.Combine(contextDirectory, ".dockerignore"))
            ? File.ReadAllLines(Path.Combine(contextDirectory, ".dockerignore")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList()
            : [];
        foreach (var copy in dockerfile.Instructions.Where(i => i.Keyword is "COPY" or "ADD"))
        {
            var words = copy.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
            if (words.Any(w => w.StartsWith("--from=", StringComparison.Ordinal)) || words.Count < 2)
            {
                continue;
            }

            foreach (var source in words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).SkipLast(1))
            {
                var relative = (source.StartsWith("./", StringComparison.Ordinal) ? source[2..] : source).TrimStart('/').TrimEnd('/');
                if (source.StartsWith("http", StringComparison.Ordinal))
                {
                    problems.Add($"{copy}: downloads {source} without a checksum (use RUN with a check)");
                    continue;
                }

                if (ignored.FirstOrDefault(p => Ignores(p, relative)) is { } pattern)
                {
                    problems.Add($"{copy}: {source} is excluded from the build context by .dockerignore ({pattern})");
                }
                else if (!File.Exists(Path.Combine(contextDirectory, relative)) && !Directory.Exists(Path.Combine(contextDirectory, relative)))
                {
                    problems.Add($"{copy}: {source} does not exist in the build context");
                }
            }
        }
    }

    /// <summary>.dockerignore's matching, for the patterns this repository uses: <c>name</c>, <c>dir/x</c>, <c>*.ext</c>, <c>**/name</c>.</summary>
    private static bool Ignores(string pattern, string path)
    {
        if (pattern.StartsWith('!'))
        {
            return false;
        }

        var anywhere = pattern.StartsWith("**/", StringComparison.Ordinal);
        var body = anywhere ? pattern[3..] : pattern.TrimStart('/');
        var regex = new Regex("^" + Regex.Escape(body).Replace("\\*", "[^/]*", StringComparison.Ordinal) + "(/.*)?$");
        if (anywhere)
        {
            var segments = path.Split('/');
            return Enumerable.Range(0, segments.Length).Any(i => regex.IsMatch(string.Join('/', segments[i..])));
        }

        return regex.IsMatch(path);
    }

    [GeneratedRegex(@"^\[\s*""(/[\w/.-]*/)?streamrec""")]
    private static partial Regex EntryPoint();

    [GeneratedRegex(@"([A-Za-z_][\w.-]*)=(""[^""]*""|'[^']*'|\S*)")]
    private static partial Regex Assignment();

    [GeneratedRegex("PASSWORD|PASSWD|SECRET|TOKEN|PSEUDONYM|API_?KEY|PRIVATE_?KEY|CREDENTIAL|SASL", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"BEGIN [A-Z ]*PRIVATE KEY|STREAMREC__\w*(PseudonymKey|Password)|sasl\.password=|--Ingest:PseudonymKey", RegexOptions.IgnoreCase)]
    private static partial Regex SecretValue();

    [GeneratedRegex(@"(^|[\s/])(\.env|id_rsa|id_ed25519|[\w.-]+\.(pem|key|p12|pfx)|\.npmrc|\.netrc|NuGet\.Config)(\s|$)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretFile();
}
