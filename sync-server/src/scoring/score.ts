import type { LeadInput, LeadTier, ScoreReason } from '../../../src/shared/lead';
import type { ScoringConfig } from '../config/schema';

export interface LeadScore {
  /** 0-100. */
  readonly score: number;
  readonly tier: LeadTier;
  readonly salesReady: boolean;
  /** Every rule that contributed, largest first: what reps see as "why this score". */
  readonly reasons: readonly ScoreReason[];
}

const DAY_MS = 86_400_000;

/**
 * Scores a lead from intent (its signals, decayed by age) and fit (title, email domain,
 * completeness). Pure and deterministic for a given `now`.
 *
 *   const { score, tier, salesReady } = scoreLead(input, config.scoring, Date.now());
 */
export function createScorer(config: ScoringConfig) {
  const titles = config.titles.map((t) => ({ ...t, re: new RegExp(t.pattern, 'i') }));
  const freeMail = new Set(config.freeMailDomains.map((d) => d.toLowerCase()));

  return function scoreLead(lead: LeadInput, now: number): LeadScore {
    const reasons: ScoreReason[] = [];
    const add = (label: string, points: number) => {
      const rounded = Math.round(points * 10) / 10;
      if (rounded !== 0) reasons.push({ label, points: rounded });
    };

    // Intent: the freshest signal of a type counts in full (decayed by age), repeats add a share.
    const byType = new Map<string, number[]>();
    for (const s of lead.signals) {
      const ages = byType.get(s.type) ?? [];
      ages.push(Math.max(0, now - Date.parse(s.at)));
      byType.set(s.type, ages);
    }
    for (const [type, ages] of byType) {
      const rule = config.signals[type];
      if (!rule) continue;
      ages.sort((a, b) => a - b);
      const decay = (age: number) => 0.5 ** (age / (config.signalHalfLifeDays * DAY_MS));
      let points = rule.points * decay(ages[0] ?? 0);
      for (const age of ages.slice(1, 3))
        points += rule.points * config.repeatSignalShare * decay(age);
      add(ages.length > 1 ? `${rule.label} ×${ages.length}` : rule.label, points);
    }

    // Fit.
    if (lead.title) {
      const match = titles.find((t) => t.re.test(lead.title ?? ''));
      if (match) add(match.label, match.points);
    }
    if (lead.email) {
      const domain = lead.email.slice(lead.email.lastIndexOf('@') + 1);
      if (freeMail.has(domain)) add('Free-mail address', config.freeMailPoints);
      else add('Company email', config.companyEmailPoints);
    }
    if (lead.phone) add('Phone given', config.phonePoints);
    if (lead.company) add('Company given', config.companyPoints);
    if (lead.message && lead.message.length >= 20) add('Wrote a message', config.messagePoints);

    const raw = reasons.reduce((sum, r) => sum + r.points, 0);
    const score = Math.max(0, Math.min(100, Math.round(raw)));
    const tier: LeadTier =
      score >= config.tiers.hot ? 'hot' : score >= config.tiers.warm ? 'warm' : 'cold';
    reasons.sort((a, b) => Math.abs(b.points) - Math.abs(a.points));
    return { score, tier, salesReady: score >= config.salesReadyThreshold, reasons };
  };
}

export type ScoreLead = ReturnType<typeof createScorer>;
