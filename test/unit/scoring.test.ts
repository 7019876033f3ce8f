import { describe, expect, it } from 'vitest';
import { leadInputSchema, type LeadInput } from '../../src/shared/lead';
import { loadConfig } from '../../sync-server/src/config/load';
import { createScorer } from '../../sync-server/src/scoring/score';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const config = loadConfig({}).scoring;
const score = createScorer(config);

function lead(raw: Record<string, unknown>): LeadInput {
  return leadInputSchema({ defaultCountry: 'US', clock: () => NOW }).parse({
    source: 'web',
    name: 'Ann',
    ...raw,
  });
}

describe('scoring', () => {
  it('values a demo request far above a white-paper download', () => {
    const demo = score(lead({ email: 'a@gmail.com', signals: [{ type: 'demo_request' }] }), NOW);
    const paper = score(
      lead({ email: 'a@gmail.com', signals: [{ type: 'whitepaper_download' }] }),
      NOW,
    );
    expect(demo.score - paper.score).toBeGreaterThanOrEqual(30);
  });

  it('rewards a senior title at a company address and explains every point', () => {
    const result = score(
      lead({
        email: 'ceo@acme.io',
        title: 'Chief Executive Officer',
        company: 'Acme',
        signals: [{ type: 'demo_request' }],
      }),
      NOW,
    );
    expect(result.tier).toBe('hot');
    expect(result.salesReady).toBe(true);
    expect(result.reasons.map((r) => r.label)).toEqual(
      expect.arrayContaining(['Demo request', 'C-level title', 'Company email', 'Company given']),
    );
    const sum = result.reasons.reduce((s, r) => s + r.points, 0);
    expect(result.score).toBe(Math.min(100, Math.round(sum)));
  });

  it('sends a free-mail student with one white paper to nurture', () => {
    const result = score(
      lead({
        email: 'kid@gmail.com',
        title: 'Student',
        signals: [{ type: 'whitepaper_download' }],
      }),
      NOW,
    );
    expect(result.tier).toBe('cold');
    expect(result.salesReady).toBe(false);
    expect(result.score).toBe(0);
  });

  it('decays old signals: a demo request from 60 days ago is worth a quarter', () => {
    const fresh = score(lead({ email: 'a@gmail.com', signals: [{ type: 'demo_request' }] }), NOW);
    const old = score(
      lead({
        email: 'a@gmail.com',
        signals: [{ type: 'demo_request', at: new Date(NOW - 60 * 86_400_000).toISOString() }],
      }),
      NOW,
    );
    expect(fresh.reasons.find((r) => r.label === 'Demo request')?.points).toBe(50);
    expect(old.reasons.find((r) => r.label === 'Demo request')?.points).toBe(12.5);
  });

  it('counts repeats of a signal at a share, and at most two of them', () => {
    const many = Array.from({ length: 5 }, () => ({ type: 'pricing_page' }));
    const result = score(lead({ email: 'a@gmail.com', signals: many }), NOW);
    expect(result.reasons.find((r) => r.label.startsWith('Pricing page'))?.points).toBe(20 + 2 * 5);
  });

  it('ignores signal types the configuration does not know', () => {
    const result = score(
      lead({ email: 'a@gmail.com', signals: [{ type: 'podcast_listen' }] }),
      NOW,
    );
    expect(result.reasons.map((r) => r.label)).toEqual(['Free-mail address']);
  });

  it('is deterministic for a given clock', () => {
    const input = lead({
      email: 'x@acme.io',
      signals: [{ type: 'webinar', at: '2026-05-20T00:00:00Z' }],
    });
    expect(score(input, NOW)).toEqual(score(input, NOW));
  });
});
