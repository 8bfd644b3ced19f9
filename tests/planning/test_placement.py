"""Marks on an image -> planner geometry, and back to pixels (pure)."""

import math

import pytest

from cryoneuro.planning import PlanInputs, make_plan
from cryoneuro.planning.placement import PlacementError, overlay, placement_from_marks

# 0.1 mm pixels, nerve 8 mm deep at (200, 80), a 60-degree needle passing 1.4 mm superficial
MARKS = {"skin": [[0, 0], [400, 0]], "nerve": [200, 80], "trajectory": [[138, 0], [208, 122]]}


def test_an_oblique_trajectory_gives_depth_angle_offset_and_along():
    pl = placement_from_marks(MARKS, (0.1, 0.1), probe="16g", diameter=1.0e-3)
    assert pl.depth == pytest.approx(8e-3)
    assert pl.approach_angle == pytest.approx(math.degrees(math.atan2(122, 70)), abs=1e-6)
    assert pl.offset == pytest.approx(1.4e-3, abs=0.06e-3)
    assert pl.along == pytest.approx(4e-3, abs=0.1e-3)
    assert pl.insertion_length == pytest.approx(math.hypot(7.0, 12.2) * 1e-3, rel=1e-6)


def test_the_overlay_lands_on_the_marks():
    pl = placement_from_marks(MARKS, (0.1, 0.1), probe="16g", diameter=1.5e-3)
    plan = make_plan(
        PlanInputs(
            depth=pl.depth,
            diameter=1.5e-3,
            approach_angle=pl.approach_angle,
            offset=pl.offset,
            offset_side=pl.offset_side,
            along=pl.along,
            sensitivity=False,
        )
    )
    ov = overlay(plan.to_dict(), pl)
    assert ov["nerve"][:2] == pytest.approx([200, 80], abs=1e-6)
    x0, y0, x1, y1 = ov["probe"]
    # the drawn needle is the marked line: entry on the skin, tip where it was marked
    assert y0 == pytest.approx(0, abs=1e-6)
    assert (x1, y1) == pytest.approx((208, 122), abs=2.0)
    cross = (x1 - x0) * 122 - (y1 - y0) * (208 - 138)
    assert cross == pytest.approx(0, abs=60)


def test_a_skin_line_drawn_at_the_bottom_and_a_tilted_one_work():
    flipped = {
        "skin": [[400, 300], [0, 300]],
        "nerve": [200, 220],
        "trajectory": [[186, 300], [186, 170]],
    }
    pl = placement_from_marks(flipped, (0.1, 0.1), probe="16g", diameter=1e-3)
    assert pl.depth == pytest.approx(8e-3) and pl.approach_angle == pytest.approx(90)


@pytest.mark.parametrize(
    "marks, field",
    [
        ({**MARKS, "skin": [[0, 0], [0, 0]]}, "skin"),
        ({**MARKS, "trajectory": [[208, 122], [138, 0]]}, "trajectory"),
        ({**MARKS, "trajectory": [[100, 0], [100, 150]]}, "trajectory"),
        ({k: v for k, v in MARKS.items() if k != "nerve"}, "nerve"),
    ],
)
def test_bad_marks_name_what_to_fix(marks, field):
    with pytest.raises(PlacementError) as exc:
        placement_from_marks(marks, (0.1, 0.1), probe="16g", diameter=1e-3)
    assert exc.value.field == field


def test_without_spacing_a_calibration_is_needed():
    with pytest.raises(PlacementError, match="known distance"):
        placement_from_marks(MARKS, None, probe="16g", diameter=1e-3)
    cal = {**MARKS, "calibration": {"points": [[0, 0], [100, 0]], "mm": 10}}
    assert placement_from_marks(cal, None, probe="16g", diameter=1e-3).depth == pytest.approx(8e-3)
