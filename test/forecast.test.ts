// The forecast's arithmetic on its own: Student's t against printed tables, the least-squares line against
// the normal equations solved here by hand, rounding, the spans that need history, and the refusals.
import { describe, expect, it } from "vitest";
import {
  type DailyClose,
  FIT_DAYS,
  forecastPrices,
  MIN_POINTS,
  roundHalfAway,
  studentQuantile,
} from "../src/modules/prices/forecast";
import { normalEquations } from "./least-squares";

/** t(0.975, ν) from a printed table (two-sided 95%), to 4 places. */
const T_TABLE: [number, number][] = [
  [1, 12.7062],
  [2, 4.3027],
  [3, 3.1824],
  [5, 2.5706],
  [10, 2.2281],
  [28, 2.0484],
  [30, 2.0423],
  [60, 2.0003],
  [120, 1.9799],
];

const day = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
const seriesOf = (ys: number[]): DailyClose[] => ys.map((close, i) => ({ date: day(i), close }));

describe("Student's t quantile", () => {
  it.each(T_TABLE)("matches the table for %i degrees of freedom", (df, t) => {
    expect(studentQuantile(0.975, df)).toBeCloseTo(t, 4);
  });

  it("matches other levels of the table", () => {
    expect(studentQuantile(0.95, 10)).toBeCloseTo(1.8125, 4);
    expect(studentQuantile(0.995, 4)).toBeCloseTo(4.6041, 4);
    expect(studentQuantile(0.5, 7)).toBeCloseTo(0, 9);
  });
});

describe("rounding", () => {
  it("rounds half away from zero and never answers -0", () => {
    expect([2.5, -2.5, 1.4999, -1.5, -0.4, 0].map(roundHalfAway)).toEqual([3, -3, 1, -2, 0, 0]);
    expect(Object.is(roundHalfAway(-0.4), 0)).toBe(true);
  });
});

describe("the forecast", () => {
  it.each([0, 1, 2])("refuses with %i points, saying how many are needed, with no numbers", (n) => {
    const result = forecastPrices(seriesOf([1000, 1100].slice(0, n)), 7);
    expect(result).toEqual({
      ok: false,
      points: n,
      needed: MIN_POINTS,
      message: `cannot forecast: ${n} point${n === 1 ? "" : "s"}; at least 3 are needed`,
    });
  });

  it("forecasts from three points, with an interval from 1 degree of freedom", () => {
    const result = forecastPrices(seriesOf([1000, 1030, 1040]), 1);
    if (!result.ok) throw new Error(result.message);
    // y = 3010/3 + 20t; residuals -10/3, 20/3, -10/3: SSE = 200/3; t(0.975, 1) = 12.7062.
    expect(result.fit).toMatchObject({ intercept: 1003.3333, slope_per_day: 20, degrees_of_freedom: 1 });
    const yhat = 3010 / 3 + 20 * 3;
    const half = 12.7062 * Math.sqrt(200 / 3) * Math.sqrt(1 + 1 / 3 + (3 - 1) ** 2 / 2);
    expect(result.forecast[0]?.expected).toBe(1063);
    expect(Math.abs((result.forecast[0]?.lower ?? 0) - (yhat - half))).toBeLessThanOrEqual(1);
    expect(Math.abs((result.forecast[0]?.upper ?? 0) - (yhat + half))).toBeLessThanOrEqual(1);
  });

  it("an exact line has no scatter: the interval closes on it", () => {
    const result = forecastPrices(seriesOf(Array.from({ length: 20 }, (_, t) => 5000 - 10 * t)), 3);
    if (!result.ok) throw new Error(result.message);
    expect(result.fit).toMatchObject({ intercept: 5000, slope_per_day: -10, residual_standard_error: 0 });
    expect(result.forecast.map((f) => [f.expected, f.lower, f.upper])).toEqual([
      [4800, 4800, 4800],
      [4790, 4790, 4790],
      [4780, 4780, 4780],
    ]);
  });

  it("a constant price forecasts itself, with no r² to speak of", () => {
    const result = forecastPrices(seriesOf(Array(10).fill(700)), 2);
    if (!result.ok) throw new Error(result.message);
    expect(result.fit.slope_per_day).toBe(0);
    expect(result.fit.r_squared).toBeNull();
    expect(result.forecast.map((f) => f.expected)).toEqual([700, 700]);
  });

  it("fits a noisy line as the normal equations do, on the last 90 days only", () => {
    const noise = [13, -8, 21, -17, 4, -25, 9, 16, -12, -1, 7];
    const ys = Array.from({ length: 120 }, (_, i) => 20_000 - 15 * i + noise[i % noise.length]!);
    const result = forecastPrices(seriesOf(ys), 5);
    if (!result.ok) throw new Error(result.message);

    const { n, a, b, s, tBar, sxx } = normalEquations(ys.slice(-FIT_DAYS));
    const t88 = 1.9873; // t(0.975, 88)

    expect(result.fit).toMatchObject({ from: day(30), to: day(119), points: 90, degrees_of_freedom: 88 });
    expect(result.fit.intercept).toBeCloseTo(a, 3);
    expect(result.fit.slope_per_day).toBeCloseTo(b, 3);
    expect(result.fit.residual_standard_error).toBeCloseTo(s, 3);
    expect(result.fit.t_quantile).toBeCloseTo(t88, 4);
    result.forecast.forEach((f, i) => {
      const t0 = n + i;
      const yhat = a + b * t0;
      const half = t88 * s * Math.sqrt(1 + 1 / n + (t0 - tBar) ** 2 / sxx);
      expect(f.date).toBe(day(120 + i));
      expect(f.expected).toBe(Math.round(yhat));
      expect(Math.abs(f.lower - (yhat - half))).toBeLessThanOrEqual(1);
      expect(Math.abs(f.upper - (yhat + half))).toBeLessThanOrEqual(1);
    });
  });

  it("gives averages and changes only when the series reaches back that far", () => {
    const ten = forecastPrices(seriesOf(Array.from({ length: 10 }, (_, i) => 1000 + i)), 1);
    if (!ten.ok) throw new Error(ten.message);
    expect(ten.moving_averages).toEqual([{ days: 7, value: 1006 }]); // mean of 1003..1009
    expect(ten.changes).toEqual([{ days: 7, since: day(2), from: 1002, amount: 7, percent: 0.7 }]);

    const long = forecastPrices(seriesOf(Array.from({ length: 91 }, (_, i) => 1000 + 10 * i)), 1);
    if (!long.ok) throw new Error(long.message);
    expect(long.changes.map((c) => [c.days, c.from, c.amount, c.percent])).toEqual([
      [7, 1830, 70, 3.83],
      [30, 1600, 300, 18.75],
      [90, 1000, 900, 90],
    ]);
  });
});

describe("carried-forward days", () => {
  it("two prices seen 30 days apart are still two points: the days between only repeat a price", () => {
    const series = Array.from({ length: 31 }, (_, i) => ({
      date: `2026-01-${String(i + 1).padStart(2, "0")}`,
      close: i < 30 ? 1000 : 1200,
      observed: i === 0 || i === 30,
    }));
    const answer = forecastPrices(series, 7);
    expect(answer).toEqual({
      ok: false,
      points: 2,
      needed: 3,
      message: "cannot forecast: 2 points; at least 3 are needed",
    });
  });
});
