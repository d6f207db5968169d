#!/usr/bin/python3
"""Reference values of torch.Generator('cpu').manual_seed(seed) + torch.randn (float32) for the engine's rng tests.

Run with Debian's python3-torch (1.13):
    /usr/bin/python3 tools/reference/torch_randn.py src-main/engine/rng/torch-randn.reference.json

ATen picks its float32 normal kernel by CPU capability: AVX2 (and, as measured here, AVX512) runs Cephes-style
vector log/sincos, the default capability (pre-AVX2 x86, ARM) the scalar loop with libm's logf/cosf/sinf. The script
runs torch once per capability in a child process (ATEN_CPU_CAPABILITY=default, avx2, avx512), stores the first two
and records whether avx512 gave exactly the avx2 values.
"""
import json
import os
import platform
import subprocess
import sys

SEEDS = [0, 1, 42, 2**32 + 5, 2**64 - 1, 123456789]
SIZES = [1, 3, 5, 15, 16, 17, 31, 32, 100, 1024, 2 * 4 * 16 * 16]
SEQUENCES = [
    [4 * 16 * 16, 4 * 16 * 16],
    [3, 1, 16, 1, 5],  # the cached second normal survives a blocks-of-16 call
    [5, 17, 2, 1024, 1],
    [15, 100, 3, 33, 1],
    [1, 1, 1, 20, 1, 1],
]
# Latent sizes the app really draws: 1x4x96x96 and 2x4x64x64.
LARGE = [(42, [4 * 96 * 96]), (1, [2 * 4 * 64 * 64])]
FULL_MAX = 100  # calls up to this many values are stored whole
EDGE = 32
STRIDE = 97  # large calls also keep every 97th value, to cover the middle


def describe(values):
    exact = [float(v) for v in values]  # float32 -> the same value as a double, for the sums
    # The shortest decimal that names each float32 (numpy's str), half the digits of the double's repr.
    short = [float(str(v)) for v in values]
    if len(short) <= FULL_MAX:
        return {"n": len(short), "values": short}
    return {
        "n": len(short),
        "first": short[:EDGE],
        "last": short[-EDGE:],
        "stride": STRIDE,
        "strided": short[::STRIDE],
        "sum": sequential_sum(exact),
        "sumSquares": sequential_sum(v * v for v in exact),
    }


def sequential_sum(values):
    # Left to right in doubles, as the test adds them (Python 3.12's sum() compensates, so it is not used).
    total = 0.0
    for v in values:
        total += v
    return total


def child():
    import torch

    def run(seed, sizes):
        g = torch.Generator("cpu").manual_seed(seed)
        return [describe(torch.randn(n, generator=g, dtype=torch.float32).numpy()) for n in sizes]

    cases = []
    for seed in SEEDS:
        cases += [{"seed": str(seed), "calls": run(seed, [n])} for n in SIZES]
        cases += [{"seed": str(seed), "calls": run(seed, seq)} for seq in SEQUENCES]
    cases += [{"seed": str(seed), "calls": run(seed, seq)} for seed, seq in LARGE]

    g = torch.Generator("cpu").manual_seed(0)
    shaped = torch.randn(4, 4, generator=g).flatten().tolist()
    g.manual_seed(42)
    five = torch.randn(5, generator=g).tolist()
    known = [{"seed": "0", "shape": [4, 4], "values": shaped}, {"seed": "42", "shape": [5], "values": five}]
    config = torch.__config__.show()
    capability = config.split("CPU capability usage:")[1].split()[0]
    json.dump({"torch": torch.__version__, "capability": capability, "cases": cases, "known": known}, sys.stdout)


def debian_version(package):
    query = ["dpkg-query", "-W", "-f=${Version}", package]
    return package + " " + subprocess.run(query, capture_output=True, text=True).stdout


def main(out_path):
    results = {}
    for capability in ["default", "avx2", "avx512"]:
        env = dict(os.environ, ATEN_CPU_CAPABILITY=capability)
        raw = subprocess.run([sys.executable, __file__, "--child"], env=env, check=True, capture_output=True).stdout
        results[capability] = json.loads(raw)
    builds = {name: {"cases": results[name]["cases"], "known": results[name]["known"]} for name in ["default", "avx2"]}
    avx512 = results["avx512"]
    torch_version = avx512["torch"]
    doc = {
        "about": "torch.randn(n, generator=torch.Generator('cpu').manual_seed(seed)) in float32; each case is one "
        "generator and its calls in order. Seeds are decimal strings (2**64-1 exceeds a double). Values are the "
        "shortest decimals naming each float32: Math.fround(value) is torch's float exactly.",
        "madeBy": "/usr/bin/python3 tools/reference/torch_randn.py src-main/engine/rng/torch-randn.reference.json",
        "torch": torch_version,
        "debianPackage": debian_version("python3-torch"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "avx512": {
            "capabilityUsed": avx512["capability"],
            "sameAsAvx2": avx512["cases"] == results["avx2"]["cases"],
        },
        "designDocKnown": [
            {"seed": "0", "shape": [4, 4], "prefix": [-1.1258, -1.1524, -0.2506, -0.4339, 0.8487]},
            {"seed": "42", "shape": [5], "prefix": [0.3367, 0.1288, 0.2345, 0.2303, -1.1229]},
        ],
        "builds": builds,
    }
    with open(out_path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        child()
    elif len(sys.argv) == 2:
        main(sys.argv[1])
    else:
        sys.exit("usage: torch_randn.py OUTPUT.json")
