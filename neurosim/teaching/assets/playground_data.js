// The live page's random numbers and data: numpy's default generator, word for word.
  // ------------------------------------------------------------ numpy's PCG64

  // numpy.random.default_rng(seed): a SeedSequence hashes the seed into four
  // 64-bit words, which seed PCG64 (a 128-bit LCG with the XSL-RR output).
  // random() is next_uint64 >> 11 scaled by 2⁻⁵³; permutation(n) is
  // Fisher–Yates from the top with bounded integers by masked rejection on
  // 32-bit halves (numpy's random_interval). Tested against numpy itself.
  const M32 = 0xffffffff, M64 = (1n << 64n) - 1n, M128 = (1n << 128n) - 1n;
  const PCG_MULT = 0x2360ed051fc65da44385df649fccf645n;
  const mul32 = (a, b) => Math.imul(a, b) >>> 0;

  function seedSequenceWords(seed) {  // SeedSequence(seed).generate_state(4, uint64)
    let entropy = [];
    for (let x = BigInt(seed); x > 0n; x >>= 32n) entropy.push(Number(x & 0xffffffffn));
    if (entropy.length === 0) entropy = [0];
    let hashA = 0x43b0d7e5;
    const hashmix = (value) => {
      value = (value ^ hashA) >>> 0;
      hashA = mul32(hashA, 0x931e8875);
      value = mul32(value, hashA);
      return (value ^ (value >>> 16)) >>> 0;
    };
    const mix = (x, y) => {
      const r = (mul32(0xca01f9dd, x) - mul32(0x4973f715, y)) >>> 0;
      return (r ^ (r >>> 16)) >>> 0;
    };
    const pool = [0, 1, 2, 3].map((i) => hashmix(i < entropy.length ? entropy[i] : 0));
    for (let s = 0; s < 4; s++) {
      for (let d = 0; d < 4; d++) if (s !== d) pool[d] = mix(pool[d], hashmix(pool[s]));
    }
    for (let s = 4; s < entropy.length; s++) {
      for (let d = 0; d < 4; d++) pool[d] = mix(pool[d], hashmix(entropy[s]));
    }
    let hashB = 0x8b51f9dd;
    const halves = [];
    for (let i = 0; i < 8; i++) {
      let v = (pool[i % 4] ^ hashB) >>> 0;
      hashB = mul32(hashB, 0x58f38ded);
      v = mul32(v, hashB);
      halves.push((v ^ (v >>> 16)) >>> 0);
    }
    return [0, 1, 2, 3].map((i) => BigInt(halves[2 * i]) | (BigInt(halves[2 * i + 1]) << 32n));
  }

  class Generator {  // numpy.random.default_rng(seed), for the draws the page makes
    constructor(seed) {
      const [s0, s1, i0, i1] = seedSequenceWords(seed);
      this.inc = (((i0 << 64n) | i1) << 1n | 1n) & M128;
      this.state = 0n;
      this.step();
      this.state = (this.state + ((s0 << 64n) | s1)) & M128;
      this.step();
      this.hasHalf = false; this.half = 0;
    }
    step() { this.state = (this.state * PCG_MULT + this.inc) & M128; }
    next64() {
      this.step();
      const x = ((this.state >> 64n) ^ this.state) & M64, r = this.state >> 122n;
      return ((x >> r) | (x << ((64n - r) & 63n))) & M64;
    }
    next32() {
      if (this.hasHalf) { this.hasHalf = false; return this.half; }
      const next = this.next64();
      this.hasHalf = true; this.half = Number(next >> 32n);
      return Number(next & 0xffffffffn);
    }
    random() { return Number(this.next64() >> 11n) * (1.0 / 9007199254740992.0); }
    interval(max) {  // a whole number in [0, max], max < 2³²
      if (max === 0) return 0;
      let mask = max;
      for (const k of [1, 2, 4, 8, 16]) mask |= mask >>> k;
      mask >>>= 0;
      for (;;) {
        const value = (this.next32() & mask) >>> 0;
        if (value <= max) return value;
      }
    }
    permutation(n) {
      const order = Array.from({ length: n }, (_, k) => k);
      for (let i = n - 1; i > 0; i--) {
        const j = this.interval(i);
        const t = order[i]; order[i] = order[j]; order[j] = t;
      }
      return order;
    }
  }

  // ------------------------------------------------------------ Playground's data sets

  // neurosim.datasets.playground: Playground's dataset.ts with Math.random()
  // as rng.random(), then the points shuffled by the same generator.
  function uniform(rng, a, b) { return rng.random() * (b - a) + a; }
  function normal(rng, mean, variance) {
    let v1, v2, s;
    do { v1 = 2 * rng.random() - 1; v2 = 2 * rng.random() - 1; s = v1 * v1 + v2 * v2; } while (s > 1);
    return mean + Math.sqrt(variance) * (Math.sqrt(-2 * Math.log(s) / s) * v1);
  }
  const GAUSSIANS = [[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]];
  function regression(label) {
    return (rng, n, noise) => {
      const points = [];
      for (let i = 0; i < n; i++) {
        const x = uniform(rng, -6, 6), y = uniform(rng, -6, 6);
        const nx = uniform(rng, -6, 6) * noise, ny = uniform(rng, -6, 6) * noise;
        points.push([x, y, label(x + nx, y + ny)]);
      }
      return points;
    };
  }
  const RECIPES = {
    circle(rng, n, noise) {
      const points = [], radius = 5;
      for (const [low, high] of [[0, radius * 0.5], [radius * 0.7, radius]]) {
        for (let i = 0; i < n / 2; i++) {
          const r = uniform(rng, low, high), angle = uniform(rng, 0, 2 * Math.PI);
          const x = r * Math.sin(angle), y = r * Math.cos(angle);
          const px = x + uniform(rng, -radius, radius) * noise;
          const py = y + uniform(rng, -radius, radius) * noise;
          points.push([x, y, Math.sqrt(px * px + py * py) < radius * 0.5 ? 1 : -1]);
        }
      }
      return points.slice(0, n);
    },
    xor(rng, n, noise) {
      const points = [];
      for (let i = 0; i < n; i++) {
        let x = uniform(rng, -5, 5); x += x > 0 ? 0.3 : -0.3;
        let y = uniform(rng, -5, 5); y += y > 0 ? 0.3 : -0.3;
        const nx = uniform(rng, -5, 5) * noise, ny = uniform(rng, -5, 5) * noise;
        points.push([x, y, (x + nx) * (y + ny) >= 0 ? 1 : -1]);
      }
      return points;
    },
    gaussian(rng, n, noise) {
      const points = [], variance = 0.5 + noise / 0.5 * 3.5;
      for (const [c, label] of [[2, 1], [-2, -1]]) {
        for (let i = 0; i < n / 2; i++) {
          const x = normal(rng, c, variance), y = normal(rng, c, variance);
          points.push([x, y, label]);
        }
      }
      return points.slice(0, n);
    },
    spiral(rng, n, noise) {
      const points = [], half = n / 2;
      for (const [delta, label] of [[0, 1], [Math.PI, -1]]) {
        for (let i = 0; i < half; i++) {
          const r = i / half * 5, t = 1.75 * i / half * 2 * Math.PI + delta;
          const x = r * Math.sin(t) + uniform(rng, -1, 1) * noise;
          const y = r * Math.cos(t) + uniform(rng, -1, 1) * noise;
          points.push([x, y, label]);
        }
      }
      return points.slice(0, n);
    },
    plane: regression((x, y) => (x + y) / 10),
    multi_gaussian: regression((x, y) => {
      let label = 0;
      for (const [cx, cy, sign] of GAUSSIANS) {
        const dx = x - cx, dy = y - cy;
        const value = sign * Math.min(Math.max(1 - Math.sqrt(dx * dx + dy * dy) / 2, 0), 1);
        if (Math.abs(value) > Math.abs(label)) label = value;
      }
      return label;
    }),
  };
  function playgroundData(name, n, noise, seed) {
    const rng = new Generator(seed);
    const points = RECIPES[name](rng, n, noise / 100);
    return rng.permutation(n).map((k) => points[k]);
  }
  const FEATURES = {
    "x1": (a) => a, "x2": (a, b) => b, "x1^2": (a) => a * a, "x2^2": (a, b) => b * b,
    "x1*x2": (a, b) => a * b, "sin(x1)": (a) => Math.sin(a), "sin(x2)": (a, b) => Math.sin(b),
  };
  const FEATURE_LABELS = {
    "x1": "x₁", "x2": "x₂", "x1^2": "x₁²", "x2^2": "x₂²", "x1*x2": "x₁x₂",
    "sin(x1)": "sin(x₁)", "sin(x2)": "sin(x₂)",
  };
