// The type deploy/grafana/streamrec.json must have: Grafana's own Dashboard type from @grafana/schema,
// with each panel's options and field config narrowed to the published types of its panel plugin and
// each query to a Prometheus query. scripts/check-dashboard.sh embeds the dashboard JSON, unchanged, as
// a literal assigned to StreamRecDashboard and runs tsc.
//
// Why a literal and not `import dashboard from '../streamrec.json'` (resolveJsonModule): TypeScript
// types an imported JSON file with every string widened to `string`, so no imported dashboard could
// ever match the schema's string enums (FieldColorModeId, ThresholdsMode, a row's type 'row'), and an
// imported value escapes the excess-property check, so a misspelt field (`gridpos`) would pass. A
// literal is typed in context: "palette-classic" stays that literal and is checked against the enum.
import type * as grafana from '@grafana/schema';
import type * as heatmap from '@grafana/schema/dist/esm/raw/composable/heatmap/panelcfg/x/HeatmapPanelCfg_types.gen';
import type * as stat from '@grafana/schema/dist/esm/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen';
import type * as timeseries from '@grafana/schema/dist/esm/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen';

/**
 * T as written in JSON: a string enum becomes the union of its values (a JSON file cannot name the enum
 * member); everything else keeps its type, recursively. Numeric enums need no change, a numeric
 * literal is checked against them as it is.
 */
export type Json<T> = T extends string
  ? string extends T ? string : `${T}`
  : T extends number | boolean | null | undefined
    ? T
    : T extends ReadonlyArray<infer U>
      ? Array<Json<U>>
      : T extends object
        ? { [K in keyof T]: Json<T[K]> }
        : T;

/** The datasource of every panel and query: the dashboard's `datasource` variable (type prometheus). */
export interface DatasourceVariableRef {
  type: 'prometheus';
  uid: '${datasource}';
}

/**
 * A query of Grafana's Prometheus data source. @grafana/schema publishes no type for it (the plugin's
 * query model lives in Grafana's frontend), so this is the subset the dashboard uses, on the common
 * DataQuery: a PromQL expression is required.
 */
export interface PrometheusQuery extends Omit<grafana.DataQuery, 'datasource'> {
  datasource: DatasourceVariableRef;
  expr: string;
  legendFormat?: string;
  format?: 'time_series' | 'table' | 'heatmap';
  instant?: boolean;
  range?: boolean;
  interval?: string;
  editorMode?: 'code' | 'builder';
}

/** A panel of plugin `Type` with that plugin's published options and custom field config. */
type PluginPanel<Type extends string, Options, Custom> = Omit<grafana.Panel, 'type' | 'options' | 'fieldConfig' | 'targets' | 'datasource'> & {
  type: Type;
  title: string;
  description: string;
  gridPos: grafana.GridPos;
  datasource: DatasourceVariableRef;
  options: Options;
  fieldConfig: grafana.FieldConfigSource<Custom> & { defaults: { unit: string } };
  targets: PrometheusQuery[];
};

export type TimeSeriesPanel = PluginPanel<'timeseries', timeseries.Options, timeseries.FieldConfig>;
export type StatPanel = PluginPanel<'stat', stat.Options, Record<string, never>>;
export type HeatmapPanel = PluginPanel<'heatmap', heatmap.Options, heatmap.FieldConfig>;

/** A row that is expanded: its panels follow it in the top-level list, so its own list is empty. */
export type Row = Omit<grafana.RowPanel, 'panels'> & { title: string; gridPos: grafana.GridPos; panels: [] };

export type StreamRecDashboard = Json<Omit<grafana.Dashboard, 'panels'> & {
  title: string;
  uid: string;
  description: string;
  panels: Array<Row | TimeSeriesPanel | StatPanel | HeatmapPanel>;
}>;
