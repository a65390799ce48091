"""Write the SYNTHETIC example files the notebooks use (run once; the outputs are committed).

    python data/examples/make_examples.py

- clinic_flexibility.csv: a valid file of the flexibility-case-control family (like a clinic's own data);
- clinic_flexibility_broken.csv: the same with deliberate mistakes, to show the validation errors;
- pelvis_chain.csv: hamstring length, pelvic tilt, lordosis and pain together, to show the serial
  mediation API (no published study measures all four).
Every file's first line says it is synthetic.
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent


def write(name: str, frame: pd.DataFrame, what: str) -> None:
    with open(HERE / name, "w") as handle:
        handle.write(f"# SYNTHETIC example data ({what}); not from any study or clinic\n")
        frame.to_csv(handle, index=False, lineterminator="\n")


def main() -> None:
    rng = np.random.default_rng(2026)
    n = 40
    clinic = pd.DataFrame({
        "participant": [f"c{i:03d}" for i in range(2 * n)],
        "group": ["lbp"] * n + ["healthy"] * n,
        "ake_tightness": np.round(np.r_[rng.normal(27, 9, n), rng.normal(18, 9, n)].clip(0, 85), 1),
    })
    write("clinic_flexibility.csv", clinic, "flexibility-case-control family")
    broken = clinic.copy()
    broken["ake_tightness"] = broken["ake_tightness"].astype(object)
    broken.loc[3, "ake_tightness"] = "tight"       # not a number
    broken.loc[7, "ake_tightness"] = -12.0          # below the scale
    broken.loc[12, "group"] = "LBP"                 # not one of the groups
    broken.loc[20, "participant"] = "c001"          # duplicate id
    write("clinic_flexibility_broken.csv", broken, "deliberately broken copy of clinic_flexibility.csv")
    m = 150
    length = rng.normal(150, 8, m)
    tilt = 0.2 * (150 - length) + rng.normal(0, 3, m)
    lordosis = 40 - 0.6 * tilt + rng.normal(0, 4, m)
    pain = np.clip(5 - 0.05 * (lordosis - 40) + 0.03 * (150 - length) + rng.normal(0, 1.5, m), 0, 10)
    write("pelvis_chain.csv", pd.DataFrame({"hamstring_length": length.round(1), "pelvic_tilt": tilt.round(1),
                                            "lordosis": lordosis.round(1), "nprs": pain.round(1)}),
          "pelvis chain for the mediation demo")


if __name__ == "__main__":
    main()
