from services.i18n.names import (
    category_label,
    city_label,
    localized_name,
    model_description,
    row_name,
    unit_label,
)


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


def test_a_city_and_a_model_description_read_in_the_viewers_language():
    assert city_label("Shanghai", "zh") == "上海" and city_label("Shanghai", "en") == "Shanghai"
    assert city_label("Springfield", "zh") == "Springfield"
    assert model_description("aurora", "stored", "zh").startswith("安静的长续航")
    assert model_description("aurora", "stored", "en").startswith("A quiet, long-range")
    assert model_description("custom", "As typed", "zh") == "As typed"


def test_row_name_reads_the_chinese_beside_the_key():
    row = {"supplier_name": "Hengxin Brake Systems Co., Ltd.", "supplier_name_zh": "恒鑫制动系统有限公司"}
    assert row_name(row, "supplier_name", "zh") == "恒鑫制动系统有限公司"
    assert row_name(row, "supplier_name", "en") == "Hengxin Brake Systems Co., Ltd."
    assert row_name({"name": "Li Wei"}, "name", "zh") == "Li Wei"
