// Type-checked (tsc --noEmit, strict) against the generated declarations:
// a page's use of the API must compile without `any` leaking in.
import init, {
  Engine,
  type EngineOptions,
  type LoadReport,
  type OwnInsights,
  type RapportError,
  type WeekFigures,
  type Relationship,
  type RelationshipSummary,
  type HealthFactor,
  type WhoKnowsWhom,
  type IntroductionPath,
  type AggregateTable,
  type NoiseReport,
} from "../../www/pkg/rapport.js";
import initDemo, { demoDataset, type DemoDataset } from "../../www/pkg/rapport_demo.js";

export async function ownSummary(): Promise<string> {
  await Promise.all([init(), initDemo()]);
  const demo: DemoDataset = demoDataset({ seed: 7, interactions: 1000 });
  const options: EngineOptions = {
    viewer: demo.viewer,
    internalDomains: demo.internalDomains,
    // The reference time the demo data was made for; without it, the host's clock.
    now: demo.now,
    consent: { aggregated: false, identifiable: false },
  };
  const engine = new Engine(options);
  try {
    const people: LoadReport = engine.loadPeople(demo.people, { lenient: true });
    const report: LoadReport = engine.loadInteractions(new TextEncoder().encode(demo.interactions), { format: "json" });
    const own: OwnInsights = engine.ownInsights({ days: 30 });
    const busiest: WeekFigures | undefined = [...own.weekly].sort((a, b) => b.emailsSent - a.emailsSent)[0];
    const rate: string = own.kpis.responseRate === null ? "n/a" : `${Math.round(own.kpis.responseRate * 100)}%`;
    const scope: "own" = own.scope;
    return `${people.accepted}/${report.accepted} ${scope} ${rate} ${busiest?.week ?? "-"} ${own.now} ${own.window.end}`;
  } catch (e) {
    const err = e as RapportError;
    if (err.code === "CONSENT_REQUIRED") return `needs ${err.scope ?? "?"}`;
    throw err;
  } finally {
    engine.free();
  }
}

export function refusal(engine: Engine): string {
  try {
    const r: Relationship = engine.relationship({ contact: "someone@contoso.example" }, { scope: "team" });
    const band: "good" | "fair" | "poor" | null = r.health.band;
    const factors: string[] = r.health.factors.map((f: HealthFactor) => `${f.factor}: ${f.points} (${f.explanation})`);
    return `${r.target.kind} ${band ?? "insufficient data"} ${factors.join("; ")}`;
  } catch (e) {
    const err = e as RapportError;
    return err.code;
  }
}

export function introductions(engine: Engine, contact: string): string[] {
  const list: RelationshipSummary[] = engine.relationshipSummaries({ level: "account", scope: "team", health: { weights: { recency: 0.4 } } });
  const who: WhoKnowsWhom = engine.whoKnowsWhom({ account: list[0]?.id ?? "none" }, { top: 3 });
  const paths: IntroductionPath[] = engine.introductionPaths({ contact }, { maxHops: 2, hopPenalty: 0.5 });
  const mine: number | null = who.viewerTie?.strength ?? null;
  const asks: string[] = paths.flatMap((p) => (p.direct || !p.introduction ? [] : [`${p.score} ${p.introduction.ask}: ${p.introduction.message}`]));
  return [...who.colleagues.map((c) => `${c.id} ${c.strength}`), ...paths.map((p) => p.explanation), ...asks, `${mine}`];
}

export function noisyWeeks(engine: Engine): string {
  try {
    const t: AggregateTable = engine.aggregates({ groupBy: "department", period: "week", noise: { epsilon: 1, recordsPerPeriod: 10 } });
    const report: NoiseReport | null = t.noise;
    const sd: number = (report?.scales["emailsSent"] ?? 0) * Math.SQRT2;
    return `${t.epsilonRemaining ?? "-"} left, ±${sd.toFixed(0)} e-mails${report?.fromCache ? " (cached)" : ""}`;
  } catch (e) {
    const err = e as RapportError;
    return err.code === "PRIVACY_BUDGET_EXHAUSTED" ? "budget spent" : err.code;
  }
}
