"""The in-play state in a tie page's URL: whatever a link says, the page opens on a state a match can be in."""

from hypothesis import given
from hypothesis import strategies as st

from remontada.app.web.inplay import MOST_GOALS, MOST_REDS, nearest_state

NAMES = ("Atalanta", "Liverpool")
anything = st.one_of(st.none(), st.text(max_size=12), st.integers(-500, 500).map(str))
event = st.tuples(
    st.one_of(st.integers(-10, 200).map(str), st.text(max_size=4)), st.sampled_from([*NAMES, "home", "x"])
)
timeline = st.lists(event, max_size=40).map(lambda es: ",".join(f"{m}:{t}" for m, t in es))


@given(
    minute=anything,
    score=st.one_of(anything, st.tuples(st.integers(0, 60), st.integers(0, 60)).map(lambda s: f"{s[0]}-{s[1]}")),
    goals=st.one_of(st.none(), timeline),
    reds=st.one_of(st.none(), timeline),
    home_red=anything,
    away_red=anything,
    what_if=st.lists(st.text(max_size=20), max_size=4),
)
def test_every_url_gives_a_state_a_match_can_be_in(minute, score, goals, reds, home_red, away_red, what_if):
    state = nearest_state(
        NAMES, minute=minute, score=score, goals=goals, reds=reds, home_red=home_red, away_red=away_red,
        what_if=what_if,
    )  # fmt: skip
    assert 0 <= state.minute <= 120
    assert all(1 <= m <= 120 and side in ("home", "away") for m, side in state.goals + state.reds)
    assert len(state.goals) <= MOST_GOALS
    assert all(sum(1 for _, s in state.reds if s == side) <= MOST_REDS for side in ("home", "away"))
    if score and not goals and state.goals:
        assert len(state.goals) <= state.minute  # a bare score: at most one goal a minute played
    assert set(state.what_if) <= {"home", "away"}


def test_a_minute_after_extra_time_is_its_last_minute_and_says_so():
    state = nearest_state(NAMES, minute="130")
    assert state.minute == 120
    assert state.notes == ["minute: 130 is outside the match's 0..120 minutes; shown at 120"]
    assert nearest_state(NAMES, minute="90+3").minute == 90 and nearest_state(NAMES, minute="90+3").notes == []


def test_a_score_the_clock_cannot_have_moves_the_clock():
    state = nearest_state(NAMES, minute="3", score="5-0")
    assert state.minute == 5 and state.now() == ((5, 0), (0, 0))
    assert "cannot be the score after 3 minutes" in state.notes[0]
    assert nearest_state(NAMES, minute="105", score="0-3").goals == [(90, "away")] * 3  # taken into extra time
    fine = nearest_state(NAMES, minute="67", score="0-1")
    assert fine.notes == [] and fine.goals == [(67, "away")] and fine.now() == ((0, 1), (0, 0))


def test_timelines_name_the_sides_as_the_page_does():
    state = nearest_state(NAMES, minute="70", goals="23:atalanta,67:Liverpool,50:Nobody FC", reds="55:home")
    assert state.goals == [(23, "home"), (67, "away")]
    assert state.reds == [(55, "home")]
    assert state.notes == ["goals: '50:Nobody FC' names neither Atalanta nor Liverpool; left out"]
    assert state.timelines() == ("23:home,67:away", "55:home")
    assert state.now() == ((1, 1), (1, 0))
    assert nearest_state(NAMES, minute="30", goals="23:home,67:away").now() == ((1, 0), (0, 0))  # 67' is to come


def test_seven_players_is_the_fewest_a_side_plays_with():
    state = nearest_state(NAMES, minute="50", home_red="7")
    assert state.reds == [(50, "home")] * MOST_REDS
    assert "fewer than seven players" in state.notes[0]


def test_changes_of_approach_must_name_a_side_and_stay_in_range():
    state = nearest_state(NAMES, what_if=["Liverpool:+30%,+20%", "Chelsea:+10%", "home:+2000%"])
    assert state.what_if == {"away": (1.3, 1.2)}
    assert state.what_if_texts() == ["away:+30%,+20%"]
    assert len(state.notes) == 2 and "Chelsea" in state.notes[0] and "10" in state.notes[1]


def test_moving_back_to_the_90th_minute_takes_later_events_with_it():
    state = nearest_state(NAMES, minute="120", goals="30:home,100:away")
    state.back_to(90)
    assert state.minute == 90 and state.goals == [(30, "home"), (90, "away")]
