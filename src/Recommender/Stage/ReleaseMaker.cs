using System.Numerics.Tensors;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StreamRec.Contracts;
using StreamRec.Recommender.Catalog;
using StreamRec.Recommender.Ledger;
using StreamRec.Recommender.Privacy;
using StreamRec.Recommender.Scoring;
using StreamRec.Storage;

namespace StreamRec.Recommender.Stage;

/// <summary>
/// Makes one release, whatever triggered it (a mutation, or the fixed schedule), in the configured privacy
/// mode (<see cref="RecommenderPrivacyOptions"/>). In joint mode (the default) the candidates are found as
/// below and <see cref="JointReleaser"/> ranks and stores the list: no ledger, no noise. In strict mode:
/// <list type="number">
/// <item>the candidates are the items of the interest's encoder model in the public catalog
/// (<see cref="ItemCatalogCache"/>: items published on the catalog topic, never items known only from
/// events), scored u(i) = &lt;s, e_i&gt; with the unnormalised vector s;</item>
/// <item>the user's ledger is charged the release's epsilon (<see cref="PrivacyLedger"/>): a release
/// that would exceed the budget is not made; a release id charged before (a replay) is answered with the
/// record stored then, at no cost;</item>
/// <item>only then is the noise drawn: K items by <see cref="PrivateTopK"/> (epsilon
/// <see cref="RecommenderOptions.EpsilonSelection"/>), and if configured their scores by
/// <see cref="LaplaceRelease"/> (epsilon <see cref="RecommenderOptions.EpsilonScores"/>), both with
/// Δ = 2 x a x w_max (<see cref="ScoreSensitivity"/>, docs/privacy.md);</item>
/// <item>the record is stored in the ledger (first writer wins) and exactly the stored record is
/// returned for publication, so a release published twice is the same bytes twice.</item>
/// </list>
/// Not thread-safe (one stage loop or one schedule loop drives it).
/// </summary>
public sealed class ReleaseMaker
{
    public const string SelectionMechanism = PrivateTopK.MechanismName;

    public const string ScoresMechanism = LaplaceRelease.MechanismName;

    /// <summary>The <c>reason</c> label of <c>streamrec_recommendations_skipped_total</c> when the catalog holds no candidate.</summary>
    public const string NoCandidatesReason = "no_candidates";

    private readonly RecommenderOptions _options;
    private readonly ItemCatalogCache _catalog;
    private readonly PrivacyLedger _ledger;
    private readonly IRandomSource _random;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly PrivateTopK _selection = new();
    private readonly LaplaceRelease _scores = new();
    private readonly HashSet<string> _loggedCatalogs = new(StringComparer.Ordinal);
    private readonly HashSet<int> _checkedDimensions = [];

    private readonly RecentItemsReader? _recentItems;
    private readonly RecommenderMetrics? _metrics;
    private readonly JointReleaser? _joint;

    /// <summary>
    /// <paramref name="recentItems"/> is where the users' recent items are read when
    /// <see cref="RecommenderOptions.ExcludeRecentItems"/> is on; <paramref name="metrics"/> are the host's
    /// instruments (none outside a host: the privacy benchmarks, unit tests); <paramref name="joint"/> makes
    /// the joint-mode releases, and is required in joint mode.
    /// </summary>
    public ReleaseMaker(
        RecommenderOptions options, ItemCatalogCache catalog, PrivacyLedger ledger, IRandomSource random, TimeProvider clock, ILogger logger,
        RecentItemsReader? recentItems = null, RecommenderMetrics? metrics = null, JointReleaser? joint = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _catalog = catalog;
        _ledger = ledger;
        _random = random;
        _clock = clock;
        _logger = logger;
        _recentItems = recentItems;
        _metrics = metrics;
        _joint = joint;
        if (options.IsJoint && joint is null)
        {
            throw new ArgumentException("Recommender:Privacy:Mode is joint, but no joint releaser was given.", nameof(joint));
        }

        if (options.ExcludeRecentItems && recentItems is null)
        {
            throw new ArgumentException("Recommender:ExcludeRecentItems is on, but no store of recent items was given.", nameof(recentItems));
        }

        Sensitivity = ScoreSensitivity.ForEwma(options.InterestRate, options.MaxEventWeight);
    }

    /// <summary>Δ: the sensitivity of one score to one replaced event (strict mode).</summary>
    public double Sensitivity { get; }

    /// <summary>"joint" or "strict": the <c>mode</c> label of the releases this maker makes.</summary>
    public string Mode => _options.Privacy.Mode;

    /// <summary>
    /// The release maker of a running stage: the catalog, the ledgers, the users' recent items and drift
    /// states, the billboard and the joint records in <paramref name="database"/>, noise from the operating
    /// system's cryptographic generator.
    /// </summary>
    public static ReleaseMaker ForRedis(
        RecommenderOptions options, StackExchange.Redis.IDatabase database, TimeProvider clock, ILogger logger, RecommenderMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ReleaseMaker(
            options,
            new ItemCatalogCache(database, options.CatalogRefreshInterval, clock),
            new PrivacyLedger(database, options.BudgetWindow, options.BudgetCap, clock),
            CryptoRandomSource.Shared,
            clock,
            logger,
            new RecentItemsReader(database),
            metrics,
            options.IsJoint ? JointReleaser.ForRedis(options, database, clock) : null);
    }

    /// <exception cref="StackExchange.Redis.RedisException">Redis is unreachable (the stage stops; the request is replayed).</exception>
    public async Task<ReleaseResult> MakeAsync(ReleaseRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_options.IsJoint && _checkedDimensions.Add(request.Interest.Length))
        {
            CheckRounding(request.Interest.Length);
        }

        var catalog = await _catalog.GetAsync(request.ModelVersion, request.Interest.Length).ConfigureAwait(false);
        if (_loggedCatalogs.Add(request.ModelVersion))
        {
            Log.CatalogLoaded(_logger, request.ModelVersion, catalog.Items.Count, _catalog.Skipped);
        }

        if (catalog.Items.Count == 0)
        {
            _metrics?.NoCandidates.Add(1, new KeyValuePair<string, object?>("reason", NoCandidatesReason));
            return new ReleaseResult(ReleaseStatus.NoCandidates, null);
        }

        if (_options.IsJoint)
        {
            return await _joint!.MakeAsync(request, catalog).ConfigureAwait(false);
        }

        var epsilon = _options.EpsilonPerRelease;
        var decision = await _ledger.ChargeAsync(request.User, request.ReleaseId, epsilon).ConfigureAwait(false);
        switch (decision.Outcome)
        {
            case LedgerOutcome.Refused:
                _metrics?.BudgetExhausted.Add(1);
                return new ReleaseResult(ReleaseStatus.Refused, null);
            case LedgerOutcome.AlreadyCharged when decision.StoredRelease is { } stored:
                return new ReleaseResult(ReleaseStatus.Republished, stored);
            case LedgerOutcome.Granted:
                _metrics?.EpsilonSpent.Add(epsilon);
                break;
        }

        // Granted now, or charged before but never stored (a crash came between): draw it.
        HashSet<int>? excluded = null;
        if (_options.ExcludeRecentItems)
        {
            // Private data steering the output: docs/privacy.md says what this costs the guarantee.
            excluded = [];
            foreach (var item in await _recentItems!.RecentItemsAsync(request.User).ConfigureAwait(false))
            {
                if (catalog.Items.TryGetRow(item, out var row))
                {
                    excluded.Add(row);
                }
            }
        }

        var record = Draw(request, catalog, decision.SpentInWindow, excluded);
        var published = await _ledger.StoreReleaseAsync(request.User, request.ReleaseId, record).ConfigureAwait(false);
        return new ReleaseResult(decision.Outcome == LedgerOutcome.Granted ? ReleaseStatus.Published : ReleaseStatus.Republished, published);
    }

    /// <summary>The noise is sampled here, after the budget was granted.</summary>
    private byte[] Draw(ReleaseRequest request, ItemCatalogSnapshot catalog, double spentInWindow, HashSet<int>? excluded)
    {
        var scores = new float[catalog.Items.Count];
        CandidateScores.Compute(catalog.Items, request.Interest, scores);
        var k = Math.Min(_options.TopK, catalog.Items.Count - (excluded?.Count ?? 0));
        var selection = _selection.Select(scores, k, _options.EpsilonSelection, Sensitivity, _random, excluded);
        double[]? noisedScores = null;
        if (_options.PublishScores)
        {
            var chosen = selection.Rows.Select(row => scores[row]).ToArray();
            noisedScores = _scores.Release(chosen, _options.EpsilonScores, Sensitivity, _random);
        }

        var items = selection.Rows.Select((row, j) =>
        {
            var id = catalog.Items.ItemId(row);
            return new RecommendedItem(id, catalog.Title(id), noisedScores?[j]);
        }).ToList();
        var record = new RecommendationRecord
        {
            ReleaseId = request.ReleaseId,
            User = request.User,
            Trigger = request.Trigger,
            PrivacyMode = RecommenderPrivacyOptions.StrictMode,
            MutationId = request.MutationId,
            Items = items,
            Mechanism = new ReleaseMechanism
            {
                Selection = SelectionMechanism,
                EpsilonSelection = _options.EpsilonSelection,
                Scores = _options.PublishScores ? ScoresMechanism : null,
                EpsilonScores = _options.PublishScores ? _options.EpsilonScores : null,
                Sensitivity = Sensitivity,
                // The public catalog's size, never less the exclusions: those are the user's own items,
                // and the record must carry nothing data-dependent beyond public data.
                Candidates = catalog.Items.Count,
            },
            EpsilonSpent = _options.EpsilonPerRelease,
            EpsilonRemaining = Math.Max(0, _ledger.Cap - spentInWindow),
            WindowSeconds = (long)_ledger.Window.TotalSeconds,
            ModelVersion = request.ModelVersion,
            Time = (request.Time ?? _clock.GetUtcNow()).ToUnixTimeMilliseconds(),
        };
        return JsonSerializer.SerializeToUtf8Bytes(record, ContractsJsonContext.Default.RecommendationRecord);
    }

    /// <summary>
    /// The mechanisms add one grid unit to Δ for snapping, which also absorbs float32 rounding in the
    /// scores of two neighbours as long as that rounding stays below a unit (it does up to D = 2048 at the
    /// defaults; docs/privacy.md). Beyond it the guarantee would not hold: refuse to release at all.
    /// </summary>
    private void CheckRounding(int dimension)
    {
        var rounding = ScoreSensitivity.Float32RoundingBound(dimension, _options.InterestRate, _options.MaxEventWeight);
        var unit = ScoreGrid.Unit(Sensitivity);
        if (rounding >= unit)
        {
            throw new InvalidOperationException(
                $"Interest vectors of dimension {dimension}: float32 rounding ({rounding:g3}) reaches the noise grid unit ({unit:g3}), so the privacy guarantee would not hold; use a model of a smaller dimension.");
        }
    }

    /// <summary>s from a mutation record: its unit interest times its norm.</summary>
    public static float[] Unnormalised(MutationRecord mutation)
    {
        ArgumentNullException.ThrowIfNull(mutation);
        var interest = new float[mutation.Interest.Length];
        TensorPrimitives.Multiply(mutation.Interest, (float)mutation.InterestNorm, interest);
        return interest;
    }
}
