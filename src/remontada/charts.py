"""Charts of live curves as PNG images (matplotlib, drawn off-screen).

A curve chart shows the chance minute by minute for the timeline that happened,
with each goal and red card marked, and dashed, the chance had the score stayed as
it was at kick-off: the gap between the two is what the goals did, the slope of the
dashed line what the clock alone did.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: draw to files only

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

from remontada.live import Curve  # noqa: E402

__all__ = ["curve_png"]

_COLOURS = {"home": "#1f5fa8", "draw": "#888888", "away": "#c8102e"}


def curve_png(curve: Curve, path: Path | str, *, title: str | None = None) -> Path:
    """Draw ``curve`` to a PNG file at ``path`` and return the path."""
    names = {"home": curve.home, "away": curve.away, "draw": "draw"}
    what = "goes through" if curve.kind == "advance" else "wins"
    fig, ax = plt.subplots(figsize=(9, 4.8), dpi=110)
    try:
        for key, values in curve.values.items():
            colour = _COLOURS[key]
            label = f"{names[key]} {what}" if key != "draw" else "draw"
            ax.step(curve.minutes, values, where="post", color=colour, linewidth=2.2, label=label)
            stayed = curve.stayed[key]
            ax.plot(curve.minutes[: len(stayed)], stayed, color=colour, linewidth=1, linestyle="--", alpha=0.7)
        for minute, side in curve.goals:
            ax.axvline(minute, color=_COLOURS[side], alpha=0.25, linewidth=1)
            ax.annotate(f"goal {minute}'", (minute, 1.0), color=_COLOURS[side], fontsize=8, ha="center", va="bottom")
        for minute, side in curve.reds:
            ax.axvline(minute, color=_COLOURS[side], alpha=0.25, linewidth=1, linestyle=":")
            ax.annotate(f"red {minute}'", (minute, 0.0), color=_COLOURS[side], fontsize=8, ha="center", va="top")
        ax.set_xlim(0, int(curve.minutes[-1]))
        ax.set_ylim(-0.02, 1.02)
        ax.set_xticks(range(0, int(curve.minutes[-1]) + 1, 15))
        ax.set_xlabel("minutes played")
        ax.set_ylabel("chance")
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        ax.grid(alpha=0.25)
        ax.legend(loc="center left", fontsize=9, frameon=False)
        ax.set_title(title or f"{curve.home} v {curve.away}: dashed, had it stayed as at kick-off", fontsize=11)
        fig.tight_layout()
        out = Path(path)
        fig.savefig(out, format="png")
    finally:
        plt.close(fig)
    return out
