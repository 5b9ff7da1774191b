"""Charts as PNG images (matplotlib, drawn off-screen): live curves and backtests.

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

from remontada.evaluation.backtest import Backtest  # noqa: E402
from remontada.evaluation.metrics import calibration  # noqa: E402
from remontada.live.forecast import Curve  # noqa: E402

__all__ = ["backtest_pngs", "curve_png"]

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


def backtest_pngs(backtest: Backtest, directory: Path | str) -> list[Path]:
    """Draw a backtest's reliability diagram and its RPS by season; return the two files' paths.

    The reliability diagram pools the three outcome probabilities of every match
    (ten bins of width 0.1): a calibrated forecaster's points lie on the diagonal.
    """
    out_dir = Path(directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    frame = backtest.common()
    fig, ax = plt.subplots(figsize=(6, 6), dpi=110)
    try:
        ax.plot([0, 1], [0, 1], color="#888888", linestyle="--", linewidth=1)
        for name, rows in frame.groupby("model", sort=False):
            table, ece = calibration(rows)
            ax.plot(table["forecast"], table["observed"], marker="o", label=f"{name} (ECE {ece:.3f})")
        ax.set_xlabel("forecast probability")
        ax.set_ylabel("observed frequency")
        ax.set_title("Reliability: home, draw and away forecasts pooled", fontsize=11)
        ax.legend(fontsize=8, frameon=False)
        ax.grid(alpha=0.25)
        fig.tight_layout()
        reliability_path = out_dir / "reliability.png"
        fig.savefig(reliability_path, format="png")
    finally:
        plt.close(fig)
    by_season = backtest.metrics(["season"])
    fig, ax = plt.subplots(figsize=(9, 4.8), dpi=110)
    try:
        for name, rows in by_season.groupby("model", sort=False):
            ax.plot(rows["season"], rows["rps"], marker="o", label=str(name))
        ax.set_ylabel("mean RPS (lower is better)")
        ax.set_title("RPS by season, on the matches every forecaster has", fontsize=11)
        ax.tick_params(axis="x", rotation=45)
        ax.legend(fontsize=8, frameon=False)
        ax.grid(alpha=0.25)
        fig.tight_layout()
        seasons_path = out_dir / "rps_by_season.png"
        fig.savefig(seasons_path, format="png")
    finally:
        plt.close(fig)
    return [reliability_path, seasons_path]
