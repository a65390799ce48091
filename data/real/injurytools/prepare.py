"""Derive one row per player-season from the REAL injurytools log (exposures.csv, injuries.csv; see README.md).

    python data/real/injurytools/prepare.py      # writes player_seasons.csv beside this file

Columns: player, season, age, minutes_played, matches_played, hamstring_injuries (how many "Hamstring Injury"
rows start in that season), hamstring_injury (1 if any), prior_hamstring_12m (1 if the player had a hamstring
injury in the previous season; empty for 2017/18, whose previous season is not in the log, so those rows cannot
enter a model that adjusts for it). Every player-season of exposures.csv is kept; injuries of players or seasons
without an exposure row are counted and reported, never dropped silently.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent


def player_seasons(exposures: pd.DataFrame, injuries: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The per-player-season table, and how many hamstring injuries have no matching player-season."""
    ham = injuries[injuries["injury"] == "Hamstring Injury"]
    counts = ham.groupby(["player", "season"]).size().rename("hamstring_injuries")
    out = exposures[["player", "season", "age", "minutes_played", "matches_played"]].merge(
        counts, how="left", left_on=["player", "season"], right_index=True)
    unmatched = int(len(ham) - out["hamstring_injuries"].sum())
    out["hamstring_injuries"] = out["hamstring_injuries"].fillna(0).astype(int)
    out["hamstring_injury"] = (out["hamstring_injuries"] > 0).astype(int)
    previous = {("17/18", p): n for (p, s), n in counts.items() if s == "17/18"}
    out["prior_hamstring_12m"] = [
        (1 if previous.get(("17/18", p), 0) else 0) if s == "18/19" else pd.NA
        for p, s in zip(out["player"], out["season"])]
    return out.astype({"age": int, "matches_played": int, "minutes_played": int}), unmatched


def main() -> None:
    table, unmatched = player_seasons(pd.read_csv(HERE / "exposures.csv"), pd.read_csv(HERE / "injuries.csv"))
    with open(HERE / "player_seasons.csv", "w") as handle:
        handle.write("# REAL data (injurytools 1.0.3, MIT; Liverpool FC 2017/18-2018/19, from a public transfer site "
                     "that may be inaccurate). 42 player-seasons of 28 players: far too few for any conclusion.\n")
        table.to_csv(handle, index=False, lineterminator="\n")
    print(f"{len(table)} player-seasons, {int(table['hamstring_injuries'].sum())} hamstring injuries matched; "
          f"{unmatched} without a player-season row")


if __name__ == "__main__":
    main()
