"""Cost of cleaning one attachment (issue 10, finding 6): peak memory and time per file, for the
attachment cleaner of a given git revision ("before") and of the working tree ("after").

tracemalloc does not see Pillow's C buffers, so every case runs in a fresh child process that
reports the growth of its peak resident set across the one call, after Pillow and the input file
are already loaded and the peak has been reset to the current size (``/proc/self/clear_refs``).
The peak is read as VmHWM from ``/proc/self/status`` (Linux): ``getrusage(RUSAGE_SELF).ru_maxrss``
also counts the peak of the process image that exec replaced (the forked parent, which made the
50 MP test images), so it hid the call's own growth. Each case is bounded (a
child is killed after 120 s) and the inputs are made here with Pillow; nothing is downloaded.

    uv run python bench/image_cost.py [--before 3c4e7aa] [--repeats 3]

Time is wall-clock time of the call (all four threads in the "4 at once" rows).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE = "src/tipnet/web/report/attachments.py"

CHILD = r"""
import io, json, os, resource, sys, time, types
from django.conf import settings
settings.configure(USE_I18N=False)  # gettext only: the cleaner needs no more of Django
source, path = sys.argv[1], sys.argv[2]
module = types.ModuleType("attachments_under_test")
sys.modules[module.__name__] = module  # dataclasses look their module up there
exec(compile(open(source).read(), source, "exec"), module.__dict__)
data = open(path, "rb").read()
def peak_kib():
    # The process's own peak resident set (VmHWM). ru_maxrss is the larger of this and the peak of
    # the image this process replaced at exec, i.e. the forked parent's peak, which hides the call.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return max(int(line.split()[1]), 0)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
# Start the peak afresh at the current size, so that what the imports once used and freed does not
# hide the call's own peak.
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")
rss_before = peak_kib()
threads = int(sys.argv[3])
outcomes = []
def clean():
    try:
        result = module.clean_attachment(data=data, keep_as_given=False)
        outcomes.append(f"{result.content_type} {len(result.data) // 1024} KB")
    except module.AttachmentError as error:
        outcomes.append("refused: " + str(error)[:60])
import threading
started = time.perf_counter()
workers = [threading.Thread(target=clean) for _ in range(threads)]  # like gunicorn's gthread worker
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
seconds = time.perf_counter() - started
outcome = outcomes[-1]
rss_after = peak_kib()
print(json.dumps({"mib": (rss_after - rss_before) / 1024, "seconds": seconds, "outcome": outcome}))
"""


def make_cases(folder: Path) -> list[tuple[str, Path]]:
    """Inputs like the audit's and like phones': made with Pillow, written once to a temp folder."""
    from PIL import Image
    from pillow_heif import register_heif_opener

    register_heif_opener()

    def smooth(size: tuple[int, int]) -> Image.Image:
        # A smooth gradient with a little structure: compresses like a photo of a wall or a page.
        small = Image.radial_gradient("L").resize((64, 48))
        return Image.merge("RGB", (small, small.rotate(90), small.transpose(Image.Transpose.FLIP_LEFT_RIGHT))).resize(size)

    cases: list[tuple[str, Path]] = []

    def save(name: str, image: Image.Image, fmt: str, **options: object) -> None:
        path = folder / f"{len(cases)}.{fmt.lower()}"
        image.save(path, format=fmt, **options)
        cases.append((f"{name} ({path.stat().st_size // 1024:,} KB)", path))

    save("PNG 6,300 x 6,300 (the audit's file)", Image.new("RGB", (6300, 6300), (250, 250, 250)), "PNG")
    save("PNG 5,000 x 5,000 (25 MP, at the new limit)", Image.new("RGB", (5000, 5000), (250, 250, 250)), "PNG")
    exif = Image.Exif()
    exif[0x0112] = 6  # taken upright: the phone stores it turned, like most phone photos
    save("JPEG 4,032 x 3,024 (12 MP phone photo, turned)", smooth((4032, 3024)), "JPEG", quality=90, exif=exif.tobytes())
    save("JPEG 5,712 x 4,284 (24 MP iPhone default, turned)", smooth((5712, 4284)), "JPEG", quality=90, exif=exif.tobytes())
    save("JPEG 8,160 x 6,120 (50 MP phone mode)", smooth((8160, 6120)), "JPEG", quality=90)
    save("HEIC 4,032 x 3,024 (12 MP iPhone)", smooth((4032, 3024)), "HEIF", quality=80)
    save("WebP 4,000 x 3,000 (12 MP)", smooth((4000, 3000)), "WEBP", quality=85)
    return cases


def run(source: Path, path: Path, threads: int = 1) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", CHILD, str(source), str(path), str(threads)], capture_output=True, text=True,
                          timeout=120, env=env, cwd=ROOT, check=False)
    if done.returncode != 0:
        return {"mib": float("nan"), "seconds": float("nan"), "outcome": "crashed: " + done.stderr.strip().splitlines()[-1][:60]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", default="3c4e7aa", help="git revision of the old cleaner")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        old = folder / "attachments_before.py"
        old.write_bytes(subprocess.run(["git", "show", f"{args.before}:{MODULE}"], cwd=ROOT, capture_output=True,
                                       check=True).stdout)
        versions = {"before": old, "after": ROOT / MODULE}
        print("| file | version | peak memory growth MiB (median) | time s (median) | outcome |")
        print("|---|---|---:|---:|---|")
        cases = [(name, path, 1) for name, path in make_cases(folder)]
        # The audit's four requests at once, in one worker process with four threads.
        cases += [(f"4 at once in one process: {name}", path, 4) for name, path, _t in cases if name.startswith(("PNG 6,300", "JPEG 5,712"))]
        for name, path, threads in cases:
            for label, source in versions.items():
                runs = [run(source, path, threads) for _ in range(args.repeats)]
                mib = statistics.median(float(r["mib"]) for r in runs)  # type: ignore[arg-type]
                seconds = statistics.median(float(r["seconds"]) for r in runs)  # type: ignore[arg-type]
                print(f"| {name} | {label} | {mib:,.0f} | {seconds:.2f} | {runs[-1]['outcome']} |", flush=True)


if __name__ == "__main__":
    sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", line_buffering=True)
    main()
