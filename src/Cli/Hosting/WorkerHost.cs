using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamRec.DriftDetector.Stage;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Stage;
using StreamRec.Ingest;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;
using StreamRec.Observability;
using StreamRec.Observability.Health;
using StreamRec.Observability.Hosting;
using StreamRec.Recommender.Billboard;
using StreamRec.Recommender.Stage;
using StreamRec.Storage;

namespace StreamRec.Cli.Hosting;

/// <summary>
/// Builds the process <c>streamrec run</c> starts: the chosen stages as hosted workers, the Kafka and
/// Redis clients' options, the HTTP server with <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c>, and
/// logging, all from one configuration (<see cref="StreamRecConfiguration"/>). <see cref="Build"/>
/// validates every option before anything starts, so a bad key is reported at once, all together.
/// </summary>
public static class WorkerHost
{
    /// <exception cref="ConfigurationException">Some option is invalid; the message names every bad key.</exception>
    public static WebApplication Build(IConfiguration configuration, StageSelection stages)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(stages);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "streamrec" });
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.AddConfiguration(configuration.GetSection("Logging"));
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        // Read here, not through IOptions: Kestrel's options are resolved while the app is built, before
        // the validation below could report a bad port. An invalid value binds nothing; it is reported.
        builder.Services.AddOptions<KestrelServerOptions>().Configure(kestrel =>
        {
            var observability = new ObservabilityOptions();
            try
            {
                configuration.GetSection(ObservabilityOptions.SectionName).Bind(observability);
            }
            catch (InvalidOperationException)
            {
                return;
            }

            if (IPAddress.TryParse(observability.ListenAddress, out var address) && observability.Port is >= 1 and <= 65535)
            {
                kestrel.Listen(address, observability.Port);
            }
        });

        var services = builder.Services;
        var validators = new List<Action<IServiceProvider, List<string>>>();
        Add<KafkaOptions, KafkaOptionsValidator>(KafkaOptions.SectionName);
        Add<TopologyOptions, TopologyOptionsValidator>(TopologyOptions.SectionName);
        var plan = TopologyPlan.For(TopologyFrom(configuration), stages, out var topologyError);
        var fused = plan.Fused;
        if (stages.NeedsRedis)
        {
            Add<RedisOptions, RedisOptionsValidator>(RedisOptions.SectionName);
        }

        // First, so that its hosted services (the meter providers) start before the stages'.
        services.AddStreamRecObservability(configuration, new ReadinessTargets(ConsumingStages(configuration, stages, plan), stages.NeedsRedis));
        Validate<ObservabilityOptions>(ObservabilityOptions.SectionName);
        if (stages.Ingest)
        {
            services.AddIngestStage(configuration, worker: !fused.Ingest);
            Validate<IngestOptions>(IngestOptions.SectionName);
        }

        if (stages.Embed)
        {
            services.AddEmbedderStage(configuration, worker: !fused.Embed);
            Validate<EmbedderOptions>(EmbedderOptions.SectionName);
        }

        if (stages.Drift)
        {
            services.AddDriftDetectorStage(configuration, worker: !fused.Drift);
            Validate<DriftDetectorOptions>(DriftDetectorOptions.SectionName);
        }

        if (stages.Recommend)
        {
            services.AddRecommenderStage(configuration, fused: fused.Recommend);
            Validate<RecommenderOptions>(RecommenderOptions.SectionName);
        }

        if (plan.IsFused)
        {
            services.AddSingleton(plan);
            services.AddStageWorker<FusedWorker>();
        }

        var app = builder.Build();
        var errors = new List<string>();
        foreach (var validate in validators)
        {
            validate(app.Services, errors);
        }

        if (topologyError is not null)
        {
            errors.Add(topologyError);
        }

        // Only once its options are valid: the model is read with them.
        if (stages.Embed
            && OptionsProbe.TryGet<EmbedderOptions>(app.Services, configuration, EmbedderOptions.SectionName, []) is { } embedder
            && EncoderModelProbe.Check(embedder) is { } modelError)
        {
            errors.Add(modelError);
        }

        if (errors.Count > 0)
        {
            ((IDisposable)app).Dispose();
            OptionsProbe.ThrowIfAny(errors);
        }

        app.MapStreamRecEndpoints();
        return app;

        void Add<TOptions, TValidator>(string section)
            where TOptions : class
            where TValidator : class, IValidateOptions<TOptions>
        {
            services.AddStageOptions<TOptions, TValidator>(configuration, section);
            Validate<TOptions>(section);
        }

        void Validate<TOptions>(string section)
            where TOptions : class =>
            validators.Add((provider, errors) => OptionsProbe.TryGet<TOptions>(provider, configuration, section, errors));
    }


    /// <summary>
    /// The topology options as far as they bind; a value that does not is reported by their validation,
    /// and the stages meanwhile count as split.
    /// </summary>
    private static TopologyOptions TopologyFrom(IConfiguration configuration)
    {
        var topology = new TopologyOptions();
        try
        {
            configuration.GetSection(TopologyOptions.SectionName).Bind(topology);
        }
        catch (InvalidOperationException)
        {
            return new TopologyOptions { Mode = TopologyOptions.Split };
        }

        return topology;
    }

    /// <summary>The stage names of the Kafka consumers the chosen stages run, which readiness waits for.</summary>
    private static List<string> ConsumingStages(IConfiguration configuration, StageSelection stages, TopologyPlan plan)
    {
        var consumers = new List<string>();
        var fused = plan.Fused;
        if (plan.IsFused)
        {
            consumers.Add(FusedProcessor.Stage);
        }

        if (stages.Ingest && !fused.Ingest)
        {
            consumers.Add(IngestProcessor.Stage);
        }

        if (stages.Embed)
        {
            if (!fused.Embed)
            {
                consumers.Add(EmbedderProcessor.Stage);
            }

            if (configuration.GetValue($"{EmbedderOptions.SectionName}:{nameof(EmbedderOptions.ConsumeCatalog)}", new EmbedderOptions().ConsumeCatalog))
            {
                consumers.Add(CatalogProcessor.Stage);
            }
        }

        if (stages.Drift && !fused.Drift)
        {
            consumers.Add(DriftProcessor.Stage);
        }

        // In schedule mode the recommend stage publishes on a clock and consumes nothing; fused, it is in the chain.
        if (stages.Recommend && !fused.Recommend && configuration[$"{RecommenderOptions.SectionName}:{nameof(RecommenderOptions.Trigger)}"] is null or RecommenderOptions.MutationTrigger)
        {
            consumers.Add(RecommenderProcessor.Stage);
        }

        // The billboard consumes the embedded events in the recommend stage's process, whatever the trigger.
        // A value that is not a boolean is reported by the options' validation; here it counts as on.
        var billboard = configuration[$"{RecommenderOptions.SectionName}:{nameof(RecommenderOptions.Billboard)}:{nameof(BillboardOptions.Enabled)}"];
        if (stages.Recommend && !fused.Recommend && (!bool.TryParse(billboard, out var enabled) || enabled))
        {
            consumers.Add(BillboardProcessor.Stage);
        }

        return consumers;
    }
}
