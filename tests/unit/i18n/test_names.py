from services.i18n.names import category_label, localized_name, unit_label


def test_a_chinese_viewer_reads_the_chinese_name():
    assert localized_name("Brake pads", "制动片", "zh") == "制动片"


def test_an_english_viewer_reads_the_english_name():
    assert localized_name("Brake pads", "制动片", "en") == "Brake pads"


def test_a_name_without_translation_shows_as_stored_in_both_languages():
    assert localized_name("Li Wei", None, "zh") == "Li Wei"
    assert localized_name("Li Wei", "", "zh") == "Li Wei"
    assert localized_name("Li Wei", None, "en") == "Li Wei"


def test_no_name_at_all_is_empty():
    assert localized_name(None, None, "zh") == ""
    assert localized_name("", "青云", "en") == "青云"


def test_a_seeded_category_and_unit_read_in_the_viewers_language():
    assert category_label("Brake pads", "zh") == "制动片"
    assert category_label("Brake pads", "en") == "Brake pads"
    assert category_label("12 V batteries", "zh") == "12V蓄电池"
    assert unit_label("set", "zh") == "套" and unit_label("pc", "en") == "pc"


def test_a_typed_category_or_unit_shows_as_typed():
    assert category_label("Custom widgets", "zh") == "Custom widgets"
    assert unit_label("drum", "zh") == "drum"
    assert category_label(None, "zh") == "" and unit_label("", "en") == ""
