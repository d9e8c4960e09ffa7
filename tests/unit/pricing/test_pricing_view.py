"""A suggestion's explanation as the pricing pages show it: term by term, in the viewer's language, with
index and company names translated (a Chinese page shows no English name the service stored)."""

from __future__ import annotations

from state.pricing.view import approvals_label, explanation_lines, index_level, signed_pct

EXPLANATION = {
    "fixed_share": "0.45",
    "terms": [
        {
            "index": "CU",
            "name": "Copper",
            "weight": "0.55",
            "base_level": "8200",
            "current_level": "8800",
            "index_change_pct": "7.3",
            "effect_pct": "4.0",
        }
    ],
    "formula_price": "5278.48",
    "formula_change_pct": "4.0",
    "limits": [{"kind": "ceiling", "price": "5200.00", "change_pct": "2.5"}],
    "advice": [
        {
            "code": "pricing.explain.quote_poor",
            "params": {
                "supplier": "Chongqing Fuan Wiper Systems Co., Ltd.",
                "supplier_zh": "重庆福安雨刮系统有限公司",
                "price": "5161.74 CNY",
                "standing": "poor",
                "lead_time_days": 12,
            },
            "supplier_id": 21,
            "flagged": True,
        }
    ],
    "stock_cover_days": 469,
    "quarter_volume": 200,
    "money_next_quarter": "40604.00",
    "currency": "CNY",
}


def test_the_explanation_reads_term_by_term_in_english():
    lines = explanation_lines(EXPLANATION, "5200.00", "5075.46", "en")
    assert [line["kind"] for line in lines] == ["term", "fixed", "formula", "limit", "proposal", "flagged"]
    assert lines[0]["text"] == "Copper +7.3 % × weight 0.55 = +4.0 %"
    assert lines[3]["text"] == "corridor caps at CN¥5,200.00 (+2.5 %)"
    assert lines[4]["text"].startswith("proposed CN¥5,200.00 (+2.5 %): CN¥40,604.00 over the next quarter")
    assert "Chongqing Fuan Wiper Systems" in lines[5]["text"]


def test_a_chinese_explanation_names_the_index_and_the_company_in_chinese():
    lines = explanation_lines(EXPLANATION, "5200.00", "5075.46", "zh")
    assert lines[0]["text"].startswith("铜 +7.3 %")
    assert lines[5]["text"].startswith("重庆福安雨刮系统有限公司")
    assert not any(
        word in " ".join(line["text"] for line in lines) for word in ("Copper", "Poor", "Chongqing")
    )


def test_percentages_levels_and_approvals_as_a_manager_reads_them():
    assert signed_pct("-1.406", "en", places=2) == "−1.41 %"
    assert signed_pct("0", "en") == "0.0 %"
    assert index_level("0.005400", "en") == "0.0054"
    assert index_level("9123.5", "en") == "9,123.50"
    assert approvals_label({"required_approvals": 2, "approvals": [7]}, "en") == "1 of 2 approvals"
    assert approvals_label({"required_approvals": 0, "approvals": []}, "zh") == "自动批准"
