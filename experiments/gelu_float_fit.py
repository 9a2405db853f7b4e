"""The polynomials of conv4j's float GELU (org.conv4j.kernels.activation.GeluMath), fitted with mpmath as truth.

With a = |x|, E = e^(-a²/2) and c = 1/sqrt(2*pi):
  Phi(-a) = E * G(a) / (a + 1)        G(a) = (a + 1) * e^(a²/2) * Phi(-a), within [0.45, 0.53] on [0, 6]
  c*a - G(a)/(a + 1) = (a - a0) * V(a)   a0 = 0.75179..., the root of GELU's derivative at x = -a0
Each on two intervals, s = a - 1 on [0, 2) and s = (a - 4)/2 on [2, 6], as polynomials in s: a least-squares
fit of the relative error at 300 Chebyshev nodes, the constant term kept as a pair of floats (hi, lo) and the
others rounded to float one at a time, refitting the rest after each. Prints the Java arrays and each fit's
largest relative error on a grid of 4001 points. Usage: /usr/bin/python3 experiments/gelu_float_fit.py
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 40
c = 1 / mp.sqrt(2 * mp.pi)


def mills(a):
    return mp.exp(a * a / 2) * mp.erfc(a / mp.sqrt(2)) / 2


a0 = mp.findroot(lambda a: a * c - mills(a), 0.75)


def g(a):
    return (a + 1) * mills(a)


def v(a):
    if abs(a - a0) < mp.mpf("1e-25"):
        a = a0 + mp.mpf("1e-25")
    return (a * c - mills(a)) / (a - a0)


def fit(f, mid, half, deg, nodes=300):
    s = np.cos(np.pi * (np.arange(nodes) + 0.5) / nodes)
    y = np.array([float(f(mid + half * mp.mpf(float(t)))) for t in s])
    coef = []
    for j in range(deg + 1):
        rest = y - np.polyval(np.array(coef[::-1]), s) if coef else y.copy()
        a = np.vander(s, deg + 1, increasing=True)[:, j:] / y[:, None]
        p, *_ = np.linalg.lstsq(a, rest / y, rcond=None)
        coef.append(p[0] if j == 0 else float(np.float32(p[0])))
    sg = np.linspace(-1, 1, 4001)
    yg = np.array([float(f(mid + half * mp.mpf(float(t)))) for t in sg])
    return coef, np.max(np.abs(np.polyval(np.array(coef[::-1]), sg) / yg - 1))


def split(x):
    hi = np.float32(x)
    return hi, np.float32(float(x) - float(hi))


def java(values):
    return ", ".join(repr(float(np.float32(t))) + "f" for t in values)


hi, lo = split(a0)
print(f"a0 = {a0}: A0_HI = {float(hi)!r}f, A0_LO = {float(lo)!r}f")
for name, f, deg in [("G", g, 11), ("V", v, 10)]:
    for k, (mid, half) in enumerate([(1, 1), (4, 2)]):
        coef, err = fit(f, mid, half, deg)
        h, l = split(coef[0])
        print(f"{name}{k}: max relative error 2^{np.log2(err):.1f}")
        print(f"  {name}{k}_C0 = {{{float(h)!r}f, {float(l)!r}f}}")
        print(f"  {name}{k} = {{{java(coef[1:])}}}")
