"""A small translated content library for the typesetting tests: the built-in library copied, with the
methocarbamol topic (its own and its shared blocks) and the wording labels in Arabic, Simplified Chinese,
Korean and Vietnamese.

The sentences are short, real sentences of each language about taking the medicine, holding what the
typesetting must get right: a Latin drug name and numbers inside Arabic sentences, Chinese punctuation
that may not start or end a line, Korean words to keep whole, Vietnamese letters with two marks. Every
block keeps its English kind, severity and structure (bullets stay bullets, warnings stay warnings), so
each layout places it as it places the English one. These are test fixtures, not translations to ship:
the real ones live in handouts/ beside their English blocks.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from typing import Any

import yaml

from generator.paths import library_root

TOPIC = "methocarbamol"
LANGUAGES = ("ar", "zh-Hans", "ko", "vi")

SENTENCES: dict[str, list[str]] = {
    "ar": [
        "تناول methocarbamol (Robaxin) عن طريق الفم كما يخبرك طبيبك بالضبط.",
        "لا تتناول أكثر من 750 mg في المرة الواحدة إلا إذا قال طبيبك ذلك.",
        "اتصل بالرقم 911 فورا إذا كان من الصعب جدا إيقاظ شخص ما أو إذا كان يتنفس بصعوبة أو أصيب بنوبة.",
        "خط المساعدة في حالات التسمم: 1-800-222-1222، مجانا وعلى مدار 24 ساعة.",
        "قد يسبب هذا الدواء النعاس أو الدوخة، فلا تقد السيارة ولا تستخدم الآلات حتى تعرف كيف يؤثر عليك.",
        "لا تشرب الكحول أبدا مع methocarbamol، ولا تتناول معه أدوية أخرى تسبب النعاس.",
    ],
    "zh-Hans": [
        "请严格按照医生的指示口服 methocarbamol（Robaxin）。",
        "除非医生另有说明，每次服用不要超过 750 mg。",
        "如果很难叫醒某人、呼吸困难、癫痫发作、晕倒，或者胸痛、心跳很快或不规则，请立即拨打 911。",
        "中毒求助热线：1-800-222-1222，免费，全天 24 小时服务。",
        "这种药可能会让您感到困倦或头晕。在知道它对您有何影响之前，请不要开车或操作机器。",
        "服用 methocarbamol 时，绝对不要喝酒，也不要同时服用其他会让您犯困的药物（除非医生这样说）。",
    ],
    "ko": [
        "의사가 지시한 대로 정확하게 methocarbamol(Robaxin)을 입으로 복용하십시오.",
        "의사가 달리 말하지 않는 한 한 번에 750 mg 이상 복용하지 마십시오.",
        "누군가를 깨우기가 매우 어렵거나 호흡이 곤란하거나 발작이 있거나 기절하면 즉시 911에 전화하십시오.",
        "중독 상담 전화: 1-800-222-1222, 무료, 하루 24시간 운영합니다.",
        "이 약은 졸음이나 어지러움을 일으킬 수 있습니다. 이 약이 어떤 영향을 주는지 알기 전까지는 운전하거나 기계를 사용하지 마십시오.",
        "methocarbamol을 복용하는 동안에는 절대로 술을 마시지 말고, 졸음을 일으키는 다른 약도 함께 복용하지 마십시오.",
    ],
    "vi": [
        "Uống methocarbamol (Robaxin) đúng theo chỉ dẫn của bác sĩ.",
        "Không uống quá 750 mg mỗi lần trừ khi bác sĩ của quý vị bảo như vậy.",
        "Gọi 911 ngay nếu rất khó đánh thức một người, nếu người đó khó thở, bị co giật hoặc ngất xỉu.",
        "Đường dây trợ giúp chống độc: 1-800-222-1222, miễn phí, 24 giờ mỗi ngày.",
        "Hãy cẩn thận: thuốc này có thể gây buồn ngủ và làm thay đổi cách quý vị suy nghĩ; báo cho bác sĩ nếu quý vị bị bệnh thận.",
        "Không bao giờ uống rượu khi dùng methocarbamol, và đừng dùng chung với thuốc khác gây buồn ngủ.",
    ],
}
"""Sentences each block's items are made of, in turn."""

TITLES: dict[str, list[str]] = {
    "ar": ["ما أهم ما يجب معرفته؟", "كيف أتناوله؟", "من يجب ألا يتناوله؟", "متى أطلب المساعدة؟"],
    "zh-Hans": ["最重要的须知是什么？", "我该如何服用？", "哪些人不应服用？", "什么时候应该求助？"],
    "ko": [
        "가장 중요하게 알아야 할 것은 무엇입니까?",
        "어떻게 복용합니까?",
        "누가 복용하면 안 됩니까?",
        "언제 도움을 받아야 합니까?",
    ],
    "vi": [
        "Điều quan trọng nhất cần biết là gì?",
        "Tôi uống thuốc này như thế nào?",
        "Ai không nên dùng?",
        "Khi nào cần được giúp đỡ?",
    ],
}

_TITLE: dict[str, tuple[str, str]] = {
    "ar": ("ميثوكاربامول methocarbamol (Robaxin)", "مرخ للعضلات لمشاكل العضلات المفاجئة والمؤلمة"),
    "zh-Hans": ("美索巴莫 methocarbamol（Robaxin）", "用于突发性、疼痛性肌肉问题的肌肉松弛剂"),
    "ko": ("메토카르바몰 methocarbamol (Robaxin)", "갑자기 생긴 통증성 근육 문제에 쓰는 근육 이완제"),
    "vi": ("Methocarbamol (Robaxin)", "Thuốc giãn cơ cho các vấn đề cơ đột ngột và gây đau"),
}

LABELS: dict[str, dict[str, Any]] = {
    "ar": {
        "language_name": "العربية",
        "locale": "ar",
        "prepared_for": "أعدت من أجل",
        "clinician": "طبيبك",
        "generic_prescriber": "طبيبك",
        "subject": "{title}: معلومات للمريض",
        "prescribed_by": "وصفه",
        "start": "ابدأ في",
        "last_day": "آخر يوم لتناوله",
        "after_hours": "خارج ساعات العمل",
        "continued": "{title} (تابع)",
        "calendar_heading": "تقويم جرعاتك",
        "calendar_intro": "ضع علامة في مربع كلما تناولت جرعة. تناول فقط ما يذكره صف ذلك اليوم.",
        "calendar_day": "اليوم",
        "calendar_how_much": "الكمية في كل مرة",
        "calendar_doses": "ضع علامة لكل جرعة تتناولها",
        "calendar_boxes_alt": {
            "one": "مربع تضع فيه علامة عند تناول هذه الجرعة",
            "other": "{count} مربعات، واحد لكل جرعة",
        },
        "calendar_no_dose": "لا جرعة في هذا الوقت",
        "calendar_pointer": "اطلب من {clinic} تقويما للجرعات.",
        "calendar_help": "أسئلة؟ اتصل بـ {clinic}: {phone}.{after_hours} في حالة الطوارئ اتصل بالرقم 911.",
        "calendar_after_hours": " خارج ساعات العمل: {phone}.",
        "schedule_heading": "جدول جرعاتك",
        "schedule_from": "من",
        "schedule_until": "حتى",
        "schedule_how_much": "الكمية",
        "schedule_how_often": "متى",
        "page": "صفحة {page} من {pages}",
        "footer_version": "إصدار المحتوى {version}. أعدت في {made}.",
        "footer_approved": "إصدار المحتوى {version}، اعتمد في {approved}. أعدت في {made}.",
        "draft_notice": "لم تعتمدها عيادتك بعد.",
        "footer_phone": "أسئلة؟ اتصل بـ {clinic}: {phone}",
        "contact_heading": "اتصل بنا",
        "phone": "الهاتف",
        "form": {"tablet": {"one": "قرص\u00a0{count}", "other": "{count}\u00a0أقراص"}},
        "amount": "{amount} من {strength}\u00a0mg{each_time}",
        "amount_total": "{amount} من {strength}\u00a0mg{each_time} ({total}\u00a0mg)",
        "each_time": " في كل مرة",
        "times_of_day": {"morning": "في الصباح", "midday": "عند الظهر", "evening": "في المساء", "bedtime": "عند النوم"},
        "calendar_slots": {"morning": "الصباح", "midday": "الظهر", "evening": "المساء", "bedtime": "النوم"},
        "daily_most": "{amount} ({total}\u00a0mg)",
        "daily_limit": "لا تتناول أكثر من {most} في اليوم الواحد.",
        "daily_limits": "لا تتناول في اليوم أكثر مما يذكره صف ذلك اليوم.",
        "schedule_most": "الحد الأقصى في اليوم: {most}",
        "refills": "إعادة الصرف",
        "refills_none": "لا يوجد",
    },
    "zh-Hans": {
        "language_name": "简体中文",
        "locale": "zh_Hans_CN",
        "prepared_for": "患者",
        "clinician": "您的医生",
        "generic_prescriber": "您的医生",
        "subject": "{title}：患者须知",
        "prescribed_by": "开药医生",
        "start": "开始日期",
        "last_day": "最后服药日",
        "after_hours": "下班时间",
        "continued": "{title}（续）",
        "calendar_heading": "您的服药日历",
        "calendar_intro": "每次服药后请在方框内打勾。只服用当天那一行写明的剂量。",
        "calendar_day": "日期",
        "calendar_how_much": "每次剂量",
        "calendar_doses": "每服一次打一个勾",
        "calendar_boxes_alt": {"one": "服药后打勾的方框", "other": "{count} 个方框，每次服药打一个勾"},
        "calendar_no_dose": "此时不服药",
        "calendar_pointer": "请向{clinic}索取服药日历。",
        "calendar_help": "有疑问？请致电{clinic}：{phone}。{after_hours}紧急情况请拨打 911。",
        "calendar_after_hours": "下班时间：{phone}。",
        "schedule_heading": "您的服药时间表",
        "schedule_from": "从",
        "schedule_until": "到",
        "schedule_how_much": "剂量",
        "schedule_how_often": "时间",
        "page": "第 {page} 页，共 {pages} 页",
        "footer_version": "内容版本 {version}。制作于 {made}。",
        "footer_approved": "内容版本 {version}，批准于 {approved}。制作于 {made}。",
        "draft_notice": "尚未经您的诊所批准。",
        "footer_phone": "有疑问？请致电{clinic}：{phone}",
        "contact_heading": "联系我们",
        "phone": "电话",
        "form": {"tablet": {"one": "{count}\u00a0片", "other": "{count}\u00a0片"}},
        "amount": "每次{amount}，每片 {strength}\u00a0mg{each_time}",
        "amount_total": "每次{amount}，每片 {strength}\u00a0mg{each_time}（{total}\u00a0mg）",
        "each_time": "",
        "times_of_day": {"morning": "早上", "midday": "中午", "evening": "晚上", "bedtime": "睡前"},
        "calendar_slots": {"morning": "早上", "midday": "中午", "evening": "晚上", "bedtime": "睡前"},
        "daily_limit": "一天内不要超过{most}。",
        "daily_limits": "一天内不要超过当天那一行写明的剂量。",
        "schedule_most": "一天最多：{most}",
        "refills": "续药次数",
        "refills_none": "无",
    },
    "ko": {
        "language_name": "한국어",
        "locale": "ko_KR",
        "prepared_for": "환자",
        "clinician": "담당 의사",
        "generic_prescriber": "담당 의사",
        "subject": "{title}: 환자 안내",
        "prescribed_by": "처방 의사",
        "start": "시작일",
        "last_day": "마지막 복용일",
        "after_hours": "업무 시간 외",
        "continued": "{title} (계속)",
        "calendar_heading": "복용 달력",
        "calendar_intro": "약을 먹을 때마다 네모 칸에 표시하십시오. 그날 줄에 적힌 만큼만 복용하십시오.",
        "calendar_day": "날짜",
        "calendar_how_much": "한 번에 먹는 양",
        "calendar_doses": "복용할 때마다 표시",
        "calendar_boxes_alt": {"one": "복용하면 표시하는 칸", "other": "복용할 때마다 표시하는 칸 {count}개"},
        "calendar_no_dose": "이 시간에는 복용하지 않음",
        "calendar_pointer": "{clinic}에 복용 달력을 요청하십시오.",
        "calendar_help": "문의: {clinic} {phone}.{after_hours} 응급 상황에서는 911에 전화하십시오.",
        "calendar_after_hours": " 업무 시간 외: {phone}.",
        "schedule_heading": "복용 일정",
        "schedule_from": "시작",
        "schedule_until": "종료",
        "schedule_how_much": "복용량",
        "schedule_how_often": "복용 시간",
        "page": "{pages}쪽 중 {page}쪽",
        "footer_version": "내용 버전 {version}. 작성일 {made}.",
        "footer_approved": "내용 버전 {version}, 승인일 {approved}. 작성일 {made}.",
        "draft_notice": "아직 병원의 승인을 받지 않았습니다.",
        "footer_phone": "문의: {clinic} {phone}",
        "contact_heading": "연락처",
        "phone": "전화",
        "form": {"tablet": {"one": "{count}정", "other": "{count}정"}},
        "amount": "한 번에 {strength}\u00a0mg {amount}{each_time}",
        "amount_total": "한 번에 {strength}\u00a0mg {amount}{each_time} ({total}\u00a0mg)",
        "each_time": "",
        "times_of_day": {"morning": "아침에", "midday": "점심에", "evening": "저녁에", "bedtime": "잠자기 전에"},
        "calendar_slots": {"morning": "아침", "midday": "점심", "evening": "저녁", "bedtime": "취침 전"},
        "daily_limit": "하루에 {most}보다 많이 복용하지 마십시오.",
        "daily_limits": "하루에 그날 줄에 적힌 양보다 많이 복용하지 마십시오.",
        "schedule_most": "하루 최대: {most}",
        "refills": "재처방",
        "refills_none": "없음",
    },
    "vi": {
        "language_name": "Tiếng Việt",
        "locale": "vi",
        "prepared_for": "Dành cho",
        "clinician": "Bác sĩ của quý vị",
        "generic_prescriber": "bác sĩ của quý vị",
        "subject": "{title}: thông tin cho bệnh nhân",
        "prescribed_by": "Bác sĩ kê đơn",
        "start": "Bắt đầu",
        "last_day": "Ngày uống cuối cùng",
        "after_hours": "Ngoài giờ",
        "continued": "{title} (tiếp theo)",
        "calendar_heading": "Lịch uống thuốc của quý vị",
        "calendar_intro": "Đánh dấu một ô mỗi lần quý vị uống thuốc. Chỉ uống đúng liều ghi ở hàng của ngày đó.",
        "calendar_day": "Ngày",
        "calendar_how_much": "Liều mỗi lần",
        "calendar_doses": "Đánh dấu mỗi liều",
        "calendar_no_dose": "không uống vào giờ này",
        "calendar_pointer": "Hãy hỏi {clinic} để có lịch uống thuốc.",
        "calendar_help": "Có thắc mắc? Gọi {clinic}: {phone}.{after_hours} Khi khẩn cấp, gọi 911.",
        "calendar_after_hours": " Ngoài giờ: {phone}.",
        "schedule_heading": "Lịch dùng thuốc của quý vị",
        "schedule_from": "Từ",
        "schedule_until": "Đến",
        "schedule_how_much": "Liều lượng",
        "schedule_how_often": "Khi nào",
        "page": "Trang {page} / {pages}",
        "footer_version": "Phiên bản nội dung {version}. Soạn ngày {made}.",
        "draft_notice": "Chưa được phòng khám của quý vị chấp thuận.",
        "footer_phone": "Có thắc mắc? Gọi {clinic}: {phone}",
        "contact_heading": "Liên hệ",
        "phone": "Điện thoại",
        "form": {"tablet": {"one": "{count}\u00a0viên", "other": "{count}\u00a0viên"}},
        "amount": "{amount} loại {strength}\u00a0mg{each_time}",
        "amount_total": "{amount} loại {strength}\u00a0mg{each_time} ({total}\u00a0mg)",
        "each_time": " mỗi lần",
        "times_of_day": {
            "morning": "vào buổi sáng",
            "midday": "vào buổi trưa",
            "evening": "vào buổi tối",
            "bedtime": "trước khi ngủ",
        },
        "calendar_slots": {"morning": "Sáng", "midday": "Trưa", "evening": "Tối", "bedtime": "Trước khi ngủ"},
        "daily_limit": "Không uống quá {most} trong một ngày.",
        "daily_limits": "Không uống nhiều hơn mức ghi ở hàng của ngày đó.",
        "schedule_most": "Tối đa trong một ngày: {most}",
        "refills": "Số lần mua lại",
        "refills_none": "Không",
    },
}
"""What each language's labels say differently from English (what the leaflet prints; the rest stays English)."""


def _translated_item(item: dict[str, Any], sentences: itertools.cycle[str]) -> dict[str, Any]:
    out: dict[str, Any] = {key: item[key] for key in ("when",) if key in item}
    if "bullets" in item:
        out["bullets"] = [next(sentences) for _ in item["bullets"]]
    elif "table" in item:
        header = item["table"]["header"]
        rows = item["table"]["rows"]
        out["table"] = {
            "header": [next(sentences)[:12] for _ in header],
            "rows": [[next(sentences) for _ in row] for row in rows],
        }
    else:
        kind = next(key for key in ("text", "warning", "caution") if key in item)
        out[kind] = next(sentences)
    return out


def _said(items: list[dict[str, Any]]) -> list[str]:
    """The sentences a required block must say: its warnings', else its first item's."""
    kinds = [item for item in items if "warning" in item] or items[:1]
    return [text for item in kinds for text in item.get("bullets", [item.get("warning") or item.get("text")])]


def _block(english: dict[str, Any], language: str, number: int) -> dict[str, Any]:
    sentences = itertools.cycle(SENTENCES[language][number % 3 :] + SENTENCES[language][: number % 3])
    body = [_translated_item(item, sentences) for item in english["body"]]
    block = {key: english[key] for key in ("kind", "severity", "required")}
    block["title"] = TITLES[language][number % len(TITLES[language])]
    if english.get("required"):
        block["must_say"] = _said(body)
    block |= {
        "body": body,
        "sources": english["sources"],
        "origin": "machine",
        "checked": "A test fixture; not checked",
    }
    return block


def _write(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def translated_library(target: Path, languages: tuple[str, ...] = LANGUAGES) -> Path:
    """The built-in library copied to `target`, with methocarbamol and the labels in `languages`."""
    shutil.copytree(library_root(), target)
    topic = yaml.safe_load((target / TOPIC / "topic.yaml").read_text(encoding="utf-8"))
    english_labels = yaml.safe_load((target / "labels" / "en.yaml").read_text(encoding="utf-8"))
    for language in languages:
        labels = english_labels | LABELS[language]
        labels["times_of_day"] = english_labels["times_of_day"] | LABELS[language]["times_of_day"]
        _write(target / "labels" / f"{language}.yaml", labels)
        title, subtitle = _TITLE[language]
        reasons = {key: value["says"] for key, value in topic["as_needed_reasons"].items()}
        _write(
            target / TOPIC / f"topic.{language}.yaml",
            {"title": title, "subtitle": subtitle, "as_needed_reasons": reasons},
        )
        main = yaml.safe_load((target / TOPIC / "main-message.yaml").read_text(encoding="utf-8"))
        said = SENTENCES[language][5]  # the main message: never alcohol (the other blocks keep their sentences)
        main |= {"must_say": [said], "body": [{"text": said}], "origin": "machine", "checked": "A test fixture"}
        _write(target / TOPIC / f"main-message.{language}.yaml", main)
        for number, ref in enumerate(ref for ref in topic["blocks"] if ref != "main-message"):
            folder, name = ("shared", ref.removeprefix("shared/")) if ref.startswith("shared/") else (TOPIC, ref)
            english = yaml.safe_load((target / folder / f"{name}.yaml").read_text(encoding="utf-8"))
            _write(target / folder / f"{name}.{language}.yaml", _block(english, language, number))
    return target
