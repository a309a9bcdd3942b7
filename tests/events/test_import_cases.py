"""The import's field accuracy on committed announcements with hand-written facts: the five
seeds (goal 95 %) and real announcements the rules were not written against (goal 85 %)."""
from tests.events.import_scoring import CASES, score_folder


def test_the_seed_announcements_import_with_at_least_95_percent_of_fields_right():
    right, total, wrong = score_folder(CASES / "seeds")
    assert total >= 30
    assert right / total >= 0.95, wrong



def test_collected_announcements_import_with_at_least_85_percent_of_fields_right():
    right, total, wrong = score_folder(CASES / "collected")
    assert total >= 100
    assert right / total >= 0.85, wrong
