// Price forecasts from a daily series by plain arithmetic (no D1, no clock): moving averages, a least-squares
// line with a Student-t prediction interval, and the change over 7/30/90 days, with the method in words.
import { addDays } from "../../lib/zone";

/** One day of a gap-free daily series: the day's closing price in minor units (carried forward when unseen). */
export interface DailyClose {
  date: string;
  close: number;
  /** false for a day whose price was carried forward from an earlier day (no price was seen that day). */
  observed?: boolean;
}

/**
 * Fewest days a line is fitted to. Two points fit a line exactly and leave no residual, so no interval can
 * be told (n − 2 = 0 degrees of freedom); three is the first count with any scatter to measure.
 */
export const MIN_POINTS = 3;
/** The line is fitted to at most the last this many days: an older trend says little about next week. */
export const FIT_DAYS = 90;
/** The prediction interval's coverage. */
export const LEVEL = 0.95;
export const CHANGE_SPANS = [7, 30, 90] as const;
export const AVERAGE_SPANS = [7, 30] as const;

/** Half away from zero, the one rounding of a price here, applied once to the unrounded result. */
export function roundHalfAway(x: number): number {
  const r = Math.sign(x) * Math.round(Math.abs(x));
  return r === 0 ? 0 : r;
}

const decimals = (x: number, places: number) => roundHalfAway(x * 10 ** places) / 10 ** places;

// --- Student's t quantile ------------------------------------------------------------------------------
// P(T > t) for ν degrees of freedom is ½·I_x(ν/2, ½) with x = ν/(ν + t²), I the regularized incomplete beta
// function; the quantile is found by bisection on that tail. Exact to about 1e-10, deterministic, and checked
// against printed tables in test/forecast.test.ts.

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(z) for z > 0 (Lanczos, g = 7). */
function lnGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - lnGamma(1 - z);
  const x = z - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The continued fraction of the incomplete beta function (modified Lentz, Numerical Recipes §6.4). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The fraction converges fast only on this side of the mean; the other side by symmetry.
  return x < (a + 1) / (a + b + 2)
    ? (front * betaFraction(a, b, x)) / a
    : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** P(T > t) for t ≥ 0 and ν degrees of freedom. */
export const studentTail = (t: number, df: number): number =>
  0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);

/** The t with P(T ≤ t) = p (p in [0.5, 1)), for ν degrees of freedom: 12.7062 for p = 0.975, ν = 1. */
export function studentQuantile(p: number, df: number): number {
  if (!(p >= 0.5 && p < 1) || !(df > 0)) throw new RangeError(`studentQuantile(${p}, ${df})`);
  const tail = 1 - p;
  let lo = 0;
  let hi = 1;
  while (studentTail(hi, df) > tail) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (studentTail(mid, df) > tail) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

// --- the forecast --------------------------------------------------------------------------------------

export interface Fit {
  from: string;
  to: string;
  points: number;
  /** The line's value on `from` (t = 0), in minor units, to 4 places. */
  intercept: number;
  /** Minor units per day, to 4 places. */
  slope_per_day: number;
  /** √(Σ residual² / (n − 2)), minor units, to 4 places. */
  residual_standard_error: number;
  degrees_of_freedom: number;
  /** Student's t at (1 + LEVEL) / 2 for those degrees of freedom, to 6 places. */
  t_quantile: number;
  /** Share of the day-to-day variance the line explains; null when the price never moved. */
  r_squared: number | null;
  /** The line on the last fitted day, whole minor units. */
  fitted_last: number;
}

export interface ForecastDay {
  date: string;
  /** Days after the fit's first day. */
  t: number;
  expected: number;
  lower: number;
  upper: number;
}

export interface Change {
  days: number;
  since: string;
  from: number;
  amount: number;
  /** Percent of the earlier price, to 2 places; null when that price was 0. */
  percent: number | null;
}

export type Forecast =
  | { ok: false; points: number; needed: number; message: string }
  | {
      ok: true;
      points: number;
      last: DailyClose;
      moving_averages: { days: number; value: number }[];
      changes: Change[];
      fit: Fit;
      forecast: ForecastDay[];
    };

/** "cannot forecast: 2 points; at least 3 are needed": what a refusal says, and all it says. */
export const refusal = (points: number) =>
  `cannot forecast: ${points} point${points === 1 ? "" : "s"}; at least ${MIN_POINTS} are needed`;

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * The forecast of the `horizon` days after a gap-free, ascending daily series: the line is fitted to its
 * last FIT_DAYS days; changes and averages read the whole series. Fewer than MIN_POINTS days: a refusal.
 */
export function forecastPrices(series: DailyClose[], horizon: number): Forecast {
  const last = series.at(-1);
  // Days carried forward repeat a price; they are not evidence of a trend. Count the prices actually seen.
  const seen = series.filter((d) => d.observed !== false).length;
  if (last === undefined || seen < MIN_POINTS) {
    return { ok: false, points: seen, needed: MIN_POINTS, message: refusal(seen) };
  }
  const fitted = series.slice(-FIT_DAYS);
  const n = fitted.length;
  const ys = fitted.map((d) => d.close);
  // t counts days from the first fitted day; the series has one entry per day, so t is the index.
  const tBar = (n - 1) / 2;
  const yBar = mean(ys);
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  ys.forEach((y, t) => {
    sxx += (t - tBar) ** 2;
    sxy += (t - tBar) * (y - yBar);
    syy += (y - yBar) ** 2;
  });
  const slope = sxy / sxx;
  const intercept = yBar - slope * tBar;
  const line = (t: number) => intercept + slope * t;
  const sse = ys.reduce((s, y, t) => s + (y - line(t)) ** 2, 0);
  const df = n - 2;
  const s = Math.sqrt(sse / df);
  const q = studentQuantile((1 + LEVEL) / 2, df);

  const forecast: ForecastDay[] = [];
  for (let h = 1; h <= horizon; h++) {
    const t = n - 1 + h;
    const expected = line(t);
    const half = q * s * Math.sqrt(1 + 1 / n + (t - tBar) ** 2 / sxx);
    forecast.push({
      date: addDays(last.date, h),
      t,
      expected: roundHalfAway(expected),
      lower: roundHalfAway(expected - half),
      upper: roundHalfAway(expected + half),
    });
  }

  const changes: Change[] = [];
  for (const days of CHANGE_SPANS) {
    const then = series[series.length - 1 - days];
    if (then === undefined) continue;
    const amount = last.close - then.close;
    changes.push({
      days,
      since: then.date,
      from: then.close,
      amount,
      percent: then.close === 0 ? null : decimals((amount / then.close) * 100, 2),
    });
  }

  return {
    ok: true,
    points: n,
    last,
    moving_averages: AVERAGE_SPANS.filter((days) => series.length >= days).map((days) => ({
      days,
      value: roundHalfAway(mean(series.slice(-days).map((d) => d.close))),
    })),
    changes,
    fit: {
      from: fitted[0]!.date,
      to: last.date,
      points: n,
      intercept: decimals(intercept, 4),
      slope_per_day: decimals(slope, 4),
      residual_standard_error: decimals(s, 4),
      degrees_of_freedom: df,
      t_quantile: decimals(q, 6),
      r_squared: syy === 0 ? null : decimals(1 - sse / syy, 4),
      fitted_last: roundHalfAway(line(n - 1)),
    },
    forecast,
  };
}

/** How the answer was made, in words, for whoever reads it (the numbers of `fit` fill it in). */
export function methodOf(context: { timeZone: string; currency: string | null; fit?: Fit }): string {
  const level = `${LEVEL * 100}%`;
  const series = `The series is one closing price per day in ${context.timeZone} (the last price observed that day${context.currency ? `, in ${context.currency}` : ""}); prices are recorded only when they change, so a day without an observation carries the price before it forward.`;
  const fit = context.fit
    ? `A straight line price = a + b·t was fitted by ordinary least squares to the ${context.fit.points} daily closes from ${context.fit.from} to ${context.fit.to} (at most the last ${FIT_DAYS} days), t counting days from ${context.fit.from}.`
    : `A straight line price = a + b·t is fitted by ordinary least squares to the last ${FIT_DAYS} days (t in days), given at least ${MIN_POINTS} prices actually observed in that window (days carried forward repeat a price and are no evidence of a trend): two points fit a line exactly and leave nothing to measure its error by, so fewer are refused rather than guessed.`;
  return [
    series,
    fit,
    `Each forecast day gives the line's value and a ${level} prediction interval: where a single day's price is expected to fall ${level} of the time if prices keep following the line with the same scatter around it (not a guarantee; a price that jumps breaks it). Its half-width is t · s · √(1 + 1/n + (t₀ − t̄)²/Sxx), with s the residual standard error, n the days fitted, t̄ their mean day, Sxx the sum of squared day deviations, and t Student's quantile at ${(1 + LEVEL) / 2} with n − 2 degrees of freedom (computed by bisection on the regularized incomplete beta function).`,
    `Moving averages are plain means of the last ${AVERAGE_SPANS.join(" and ")} daily closes, given when the series is that long; changes compare the last close with the close ${CHANGE_SPANS.join(", ")} days before, given when the series reaches back that far.`,
    "Prices are rounded to whole minor units, half away from zero, once, after all arithmetic; the line's coefficients are given to 4 decimal places.",
  ].join(" ");
}
