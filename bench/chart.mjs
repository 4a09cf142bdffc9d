/**
 * The chart: TechPass throughput and p99 latency per scenario against directory size
 * (1k, 100k, 1M users), an SVG drawn from the JSON files in bench/results/ (the latest
 * whole run for each engine and size). Solid lines SQLite, dashed PostgreSQL; log scales.
 *
 *   node bench/chart.mjs [--out docs/performance.svg]
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './servers.mjs';

const RESULTS = path.join(ROOT, 'bench', 'results');
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

/** The newest result for each engine and directory size (a --quick run, 3 s, gives way to an older longer one). */
export function latestResults() {
  let files = [];
  try {
    files = readdirSync(RESULTS).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  const all = files
    .map((f) => JSON.parse(readFileSync(path.join(RESULTS, f), 'utf8')))
    .filter((r) => !r.only) // a partial run (--only) is not a point of the chart
    .sort((a, b) => (a.date < b.date ? 1 : -1));
  const best = new Map();
  for (const r of all) {
    const key = `${r.engine}-${r.users}`;
    const seen = best.get(key);
    if (!seen || (r.durationSeconds > seen.durationSeconds && seen.durationSeconds < 5)) best.set(key, r);
  }
  return [...best.values()];
}

export function writeChart(out = path.join(RESULTS, 'chart.svg')) {
  writeFileSync(out, chart(latestResults()));
  return out;
}

function chart(results) {
  const W = 980;
  const H = 430;
  const panels = [
    { title: 'throughput (requests/s; sign-ins/s), log scale', value: (r) => r.techpass.rps, x0: 60 },
    { title: 'p99 latency at peak load (ms), log scale', value: (r) => r.techpass.p99, x0: 545 },
  ];
  const pw = 380;
  const ph = 300;
  const y0 = 50;
  const sizes = [...new Set(results.map((r) => r.users))].sort((a, b) => a - b);
  const keys = [...new Set(results.flatMap((r) => r.rows.map((row) => row.key)))].filter((k) => k !== 'bare_http' && k !== 'number_matching');
  const lx = (users) => {
    const lo = Math.log10(Math.min(1_000, ...sizes));
    const hi = Math.log10(Math.max(1_000_000, ...sizes));
    return (Math.log10(users) - lo) / (hi - lo || 1);
  };
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">TechPass cost against directory size (one core; ${[...new Set(results.map((r) => r.date.slice(0, 10)))].join(', ')})</text>`,
  ];
  for (const p of panels) {
    const values = results.flatMap((r) => r.rows.filter((row) => keys.includes(row.key)).map(p.value)).filter((v) => v > 0);
    const lo = Math.floor(Math.log10(Math.min(...values, 1)));
    const hi = Math.ceil(Math.log10(Math.max(...values, 10)));
    const X = (users) => p.x0 + lx(users) * pw;
    const Y = (v) => y0 + ph - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * ph;
    out.push(`<text x="${p.x0 + pw / 2}" y="${y0 - 12}" text-anchor="middle" font-size="12">${p.title}</text>`);
    out.push(`<rect x="${p.x0}" y="${y0}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
    for (let e = lo; e <= hi; e += 1) {
      out.push(`<line x1="${p.x0}" x2="${p.x0 + pw}" y1="${Y(10 ** e)}" y2="${Y(10 ** e)}" stroke="#eee"/>`);
      out.push(`<text x="${p.x0 - 5}" y="${Y(10 ** e) + 4}" text-anchor="end">${(10 ** e).toLocaleString('en')}</text>`);
    }
    for (const users of [1_000, 100_000, 1_000_000, ...sizes]) {
      out.push(`<text x="${X(users)}" y="${y0 + ph + 15}" text-anchor="middle">${users >= 1e6 ? `${users / 1e6}M` : `${users / 1e3}k`}</text>`);
    }
    out.push(`<text x="${p.x0 + pw / 2}" y="${y0 + ph + 30}" text-anchor="middle">users in the directory</text>`);
    for (const engine of ['sqlite', 'postgres']) {
      const runs = results.filter((r) => r.engine === engine).sort((a, b) => a.users - b.users);
      keys.forEach((key, i) => {
        const pts = runs.map((r) => [r.users, r.rows.find((row) => row.key === key)]).filter(([, row]) => row && p.value(row) > 0);
        if (!pts.length) return;
        const d = pts.map(([u, row]) => `${X(u).toFixed(1)},${Y(p.value(row)).toFixed(1)}`).join(' ');
        const dash = engine === 'postgres' ? ' stroke-dasharray="5,3"' : '';
        out.push(`<polyline points="${d}" fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2"${dash}/>`);
        for (const [u, row] of pts)
          out.push(`<circle cx="${X(u).toFixed(1)}" cy="${Y(p.value(row)).toFixed(1)}" r="3" fill="${COLORS[i % COLORS.length]}"/>`);
      });
    }
  }
  keys.forEach((key, i) => {
    const x = 60 + (i % 4) * 230;
    const y = H - 38 + Math.floor(i / 4) * 16;
    out.push(
      `<line x1="${x}" x2="${x + 18}" y1="${y - 4}" y2="${y - 4}" stroke="${COLORS[i % COLORS.length]}" stroke-width="2"/><text x="${x + 24}" y="${y}">${key}</text>`,
    );
  });
  out.push(`<text x="${W - 10}" y="${H - 4}" text-anchor="end" fill="#666">solid: SQLite, dashed: PostgreSQL</text>`);
  out.push('</svg>');
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--out');
  console.log(writeChart(i > 0 ? path.resolve(process.argv[i + 1]) : undefined));
}
