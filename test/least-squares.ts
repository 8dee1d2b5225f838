// The tests' own least-squares line, written apart from src/modules/prices/forecast.ts so that the forecast
// is checked against an independent computation: the normal equations [n Σt; Σt Σt²][a b]ᵀ = [Σy Σty]ᵀ solved
// by Cramer's rule, t counting from 0.
export function normalEquations(ys: number[]) {
  const n = ys.length;
  let [st, stt, sy, sty] = [0, 0, 0, 0];
  ys.forEach((y, t) => {
    st += t;
    stt += t * t;
    sy += y;
    sty += t * y;
  });
  const det = n * stt - st * st;
  const a = (sy * stt - st * sty) / det;
  const b = (n * sty - st * sy) / det;
  const s = Math.sqrt(ys.reduce((acc, y, t) => acc + (y - a - b * t) ** 2, 0) / (n - 2));
  const tBar = st / n;
  const sxx = stt - n * tBar * tBar;
  return { n, a, b, s, tBar, sxx };
}
