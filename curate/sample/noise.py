"""Noise for the sample corpus: junk documents (boilerplate, spam, ...) and damaging transforms
of clean documents (mojibake, HTML wrapping, near-duplicate edits).

All text here is invented for the sample data.
"""

from __future__ import annotations

import html
import random
import re

from curate.sample.lexicon import TABLES, Slots
from curate.sample.prose import TITLES

# ---------------------------------------------------------------------------------------------
# Junk documents
# ---------------------------------------------------------------------------------------------

ZH_BOILERPLATE = (
    "首页", "首页 > 新闻中心 > 正文", "上一篇：{title}", "下一篇：{title}",
    "版权所有 © 2008-{year} {site} 保留所有权利", "京ICP备{num8}号", "沪ICP备{num8}号-2",
    "关于我们 | 联系我们 | 加入我们 | 网站地图 | 隐私政策",
    "本网站使用Cookie以改善您的浏览体验，继续浏览即表示您同意我们使用Cookie。", "我知道了",
    "扫一扫，关注微信公众号", "责任编辑：{person}", "分享到：微信 微博 QQ空间", "相关阅读",
    "热门推荐", "返回顶部", "登录 | 注册", "打印本页 | 关闭窗口",
    "免责声明：本文仅代表作者个人观点，与本站无关。", "来源：{site}", "点击排行", "阅读全文",
    "未经授权禁止转载", "联系电话：400-{num4}-{num4}", "地址：{city}市高新区科技路{small}号",
)
EN_BOILERPLATE = (
    "Home | About | Contact", "Home | News | Sport | Business | Technology | Contact us",
    "Skip to main content", "We use cookies to improve your experience. By continuing to browse "
    "you agree to our use of cookies.", "Accept cookies", "Accept all | Manage preferences",
    "Read more »", "Read more", "© {year} {site_en}. All rights reserved.",
    "All rights reserved.", "Privacy Policy | Terms of Use | Sitemap",
    "Subscribe to our newsletter",
    "Share on Facebook | Twitter | LinkedIn | Email", "Previous post: {title_en}",
    "Next post: {title_en}", "Related articles", "Back to top", "Sign in | Register",
    "Powered by WordPress", "Follow us on social media", "Posted in Uncategorized",
    "Leave a comment", "Tags: news, update, {year}",
)
ZH_SPAM = (
    "澳门现金网，注册即送{money}元彩金！", "加微信{wx}，日赚千元不是梦！",
    "加微信：{wx} 免费领取资料",
    "代开发票，全国各地正规税票，电话{phone}", "六合彩 时时彩 百家乐 官方直营 信誉第一",
    "点击进入 >>> {url}", "低价出售高仿名表、名包，支持货到付款", "贷款秒批，无抵押，黑户也能办！",
    "刷单兼职，日结工资，在家就能做", "澳门赌场 在线真人 首充返水{small}%", "诚招代理，躺赚佣金",
    "最新网址：{url} 请牢记", "免费看高清电影 {url}", "减肥神药，一周瘦十斤，无效退款",
    "代办各类证件，加QQ{num8}", "彩票计划 稳赚不赔 包中", "扫码领红包 ↓↓↓",
)
EN_SPAM = (
    "Buy cheap {product} online now!!! 100% free shipping", "Click here to claim your prize",
    "Best casino bonus {year} — win big today", "Make $5000 a week from home, no experience!",
    "cheap replica watches cheap replica watches", "SEO services: rank #1 on Google guaranteed",
    "Visit {url} for the best deals", "100% free, no credit card required", "Limited offer!!!",
    "Lose 10 kg in 7 days with this one weird trick", "Hot singles in your area", "Act now!",
    "Get rich quick with crypto signals, join our channel", "Buy followers and likes cheap",
    "Free gift cards — click here", "Online pharmacy, no prescription needed, cheap pills",
)
SPAM_WORDS = {
    "zh": ("现金网", "澳门", "加微信", "代开发票", "彩金", "博彩", "百家乐", "免费", "日赚",
           "返利"),
    "en": ("buy cheap", "click here", "100% free", "casino", "bonus", "discount", "best price",
           "free shipping", "viagra", "win"),
}
KEYWORD_SETS = {
    "zh": (("手机壳", "手机壳定制", "苹果手机壳", "手机配件"),
           ("装修公司", "装修报价", "装修效果图"),
           ("英语培训", "少儿英语", "英语学习", "在线英语"),
           ("减肥", "减肥茶", "快速减肥", "减肥方法"),
           ("股票", "炒股", "股票推荐", "涨停"), ("游戏", "手游", "游戏下载", "传奇私服")),
    "en": (("running shoes", "best running shoes", "cheap running shoes", "shoes sale"),
           ("weight loss", "lose weight fast", "diet pills"), ("car insurance", "cheap insurance",
           "insurance quotes"), ("crypto", "bitcoin price", "crypto trading", "best crypto"),
           ("hotel deals", "cheap hotels", "hotel booking"), ("free games", "download games")),
}
REPEATED_LINES = {
    "zh": ("点赞关注不迷路！", "本文来源于网络，如有侵权请联系删除。", "更多精彩内容，请关注我们。",
           "加载中……", "暂无评论", "广告", "【转发】", "今日头条", "签到打卡 第{small}天"),
    "en": ("Loading comments...", "Click to expand", "Advertisement", "Sponsored content",
           "Like and subscribe!", "This content is not available in your region.",
           "Page {small} of {small2}", "Continue reading", "[deleted]"),
}
SHORT = {
    "zh": ("点击查看", "加载中…", "暂无评论", "谢谢", "转发", "未完待续", "更多", "好的", "顶",
           "[图片]", "沙发", "收藏了", "已阅", "楼主好人", "删除", "——", "？？？", "点赞", "同意",
           "下载附件", "回复", "支持一下"),
    "en": ("Loading...", "ok", "N/A", "Click here", "404 Not Found", "test", "Thanks!", "lol",
           "See more", "TBD", "Home", "Read more", "+1", "Share", "Sign in", "Page not found",
           "Error", "undefined", "Next", "Menu"),
}

# A few sentences in other languages (for `other_lang` rows): fr, de, es, ru, ja.
OTHER_LANG = {
    "fr": (
        "La mairie a annoncé hier l'ouverture d'une nouvelle bibliothèque dans le quartier nord.",
        "Les travaux devraient durer environ dix-huit mois, selon les services techniques.",
        "Beaucoup d'habitants se réjouissent de ce projet attendu depuis longtemps.",
        "Le marché du samedi matin attire chaque semaine des centaines de visiteurs.",
        "Il faut réserver sa place à l'avance, car le nombre de participants est limité.",
        "Le train de 8 h 15 a été supprimé en raison d'une grève des contrôleurs.",
        "Cette recette de tarte aux pommes est simple et rapide à préparer.",
        "Le musée sera exceptionnellement fermé lundi prochain pour des travaux d'entretien.",
        "Les élèves ont présenté leurs projets scientifiques devant un jury de professeurs.",
        "Selon la météo, il fera beau et chaud tout le week-end.",
    ),
    "de": (
        "Die Stadtverwaltung hat gestern den neuen Haushaltsplan vorgestellt.",
        "Wegen Bauarbeiten ist die Hauptstraße bis Ende des Monats gesperrt.",
        "Viele Bürgerinnen und Bürger haben an der Versammlung teilgenommen.",
        "Der Zug nach München fährt heute mit etwa zwanzig Minuten Verspätung ab.",
        "Im Sommer finden im Park jeden Freitag kostenlose Konzerte statt.",
        "Bitte vergessen Sie nicht, Ihre Eintrittskarte am Eingang vorzuzeigen.",
        "Das Rezept für den Apfelkuchen stammt von meiner Großmutter.",
        "Die Schülerinnen und Schüler besuchten am Mittwoch das Naturkundemuseum.",
        "Laut Wetterbericht wird es am Wochenende regnerisch und kühl.",
        "Die Bibliothek bleibt über die Feiertage geschlossen.",
    ),
    "es": (
        "El ayuntamiento anunció ayer la apertura de un nuevo centro cultural.",
        "Las obras en la avenida principal terminarán a finales de mes.",
        "Muchos vecinos acudieron a la reunión para expresar su opinión.",
        "El tren hacia Valencia sale con un retraso de quince minutos.",
        "Esta receta de tortilla de patatas es fácil y muy sabrosa.",
        "Los estudiantes presentaron sus proyectos ante un jurado de profesores.",
        "Según el pronóstico, el fin de semana será soleado y caluroso.",
        "La biblioteca permanecerá cerrada durante las fiestas.",
        "¿Sabías que el mercado abre todos los sábados por la mañana?",
        "El museo ofrece entrada gratuita los domingos por la tarde.",
    ),
    "ru": (
        "Вчера городская администрация представила новый план развития транспорта.",
        "Ремонт центральной улицы планируется завершить к концу месяца.",
        "Многие жители пришли на собрание, чтобы высказать своё мнение.",
        "Поезд в Москву отправится с опозданием на двадцать минут.",
        "Этот рецепт яблочного пирога очень простой и быстрый.",
        "Студенты представили свои проекты перед комиссией преподавателей.",
        "По прогнозу синоптиков, в выходные будет тепло и солнечно.",
        "Библиотека будет закрыта на время праздников.",
        "В парке каждую пятницу проходят бесплатные концерты.",
        "Музей открыт ежедневно с десяти утра до шести вечера.",
    ),
    "ja": (
        "昨日、市役所は新しい図書館の建設計画を発表しました。",
        "工事は来年の春までに終わる予定です。",
        "多くの住民が説明会に参加し、さまざまな意見を述べました。",
        "東京行きの電車は約二十分遅れて出発します。",
        "このケーキのレシピはとても簡単で、初心者にもおすすめです。",
        "週末は晴れて暖かくなるでしょう。",
        "学生たちは先生の前で研究の成果を発表しました。",
        "図書館は年末年始の間お休みします。",
        "毎週金曜日の夜、公園で無料のコンサートが開かれます。",
        "美術館は月曜日が休館日なので、ご注意ください。",
    ),
}
OTHER_LANGS = tuple(OTHER_LANG)

_SITES_ZH = ("新闻网", "资讯网", "财经在线", "科技之家", "体育频道", "门户网")
_SITES_EN = ("Daily Courier", "The Metro Post", "Tech Digest", "Market Wire", "Sports Today")


def _slots(rng: random.Random, lang: str) -> Slots:
    """Slots with the extra junk-only fields (sites, phone numbers, URLs)."""
    slots = Slots(rng, TABLES[lang])
    letters = "".join(rng.choice("abcdefghjkmnpqrstuvwxyz") for _ in range(rng.randint(3, 6)))
    tld = rng.choice(("com", "net", "cc", "top"))
    slots.update(
        site=rng.choice(_SITES_ZH),
        site_en=rng.choice(_SITES_EN),
        num8=str(rng.randint(10_000_000, 99_999_999)),
        num4=str(rng.randint(1000, 9999)),
        wx=f"{letters}{rng.randint(100, 9999)}",
        phone=f"1{rng.randint(3, 9)}{rng.randint(0, 10**9 - 1):09d}",
        url=f"www.{letters}{rng.choice(('888', '66', '999', ''))}.{tld}",
        money=str(rng.choice((88, 188, 588, 888, 1888))),
    )
    slots["title"] = random_title(rng, "zh", slots) if lang == "zh" else ""
    slots["title_en"] = random_title(rng, "en", slots) if lang == "en" else ""
    return slots


def random_title(rng: random.Random, lang: str, slots: Slots) -> str:
    """A headline from any prose domain, filled in."""
    return rng.choice(TITLES[lang][rng.choice(tuple(TITLES[lang]))]).format_map(slots)


def boilerplate_doc(rng: random.Random, lang: str) -> str:
    """Navigation, footer and cookie-banner lines, sometimes around one line of content."""
    slots = _slots(rng, lang)
    bank = ZH_BOILERPLATE if lang == "zh" else EN_BOILERPLATE
    lines = [line.format_map(slots) for line in rng.sample(bank, rng.randint(5, 14))]
    if rng.random() < 0.6:
        lines.insert(rng.randint(1, len(lines)), random_title(rng, lang, slots))
    return "\n".join(lines)


def spam_doc(rng: random.Random, lang: str) -> str:
    """Ads, gambling and SEO spam lines, with spam keywords stuffed in between."""
    slots = _slots(rng, lang)
    bank = ZH_SPAM if lang == "zh" else EN_SPAM
    words = SPAM_WORDS[lang]
    sep = "" if lang == "zh" else " "
    lines = []
    for _ in range(rng.randint(3, 12)):
        if rng.random() < 0.7:
            lines.append(rng.choice(bank).format_map(slots))
        else:
            lines.append(sep.join(rng.choice(words) for _ in range(rng.randint(4, 12))))
    return "\n".join(lines)


def keyword_stuffed_doc(rng: random.Random, lang: str) -> str:
    """The same handful of keywords repeated dozens of times."""
    keywords = rng.choice(KEYWORD_SETS[lang])
    sep = rng.choice(("，", " ", "、", "|")) if lang == "zh" else rng.choice((" ", ", ", " | "))
    n = rng.randint(30, 90)
    words = [keywords[int(rng.random() * len(keywords))] for _ in range(n)]
    lines = [sep.join(words[i:i + 12]) for i in range(0, n, 12)]
    return "\n".join(lines)


def repeated_lines_doc(rng: random.Random, lang: str, sentence: str) -> str:
    """One to three lines (one of them possibly a real sentence) repeated many times."""
    slots = _slots(rng, lang)
    lines = [s.format_map(slots) for s in rng.sample(REPEATED_LINES[lang], rng.randint(1, 2))]
    if rng.random() < 0.8:
        lines.append(sentence)
    reps = rng.randint(10, 40)
    return "\n".join(lines[i % len(lines)] for i in range(reps * len(lines)))


def short_doc(rng: random.Random, lang: str) -> str:
    """A fragment of 1-15 characters or words."""
    text = rng.choice(SHORT[lang])
    if rng.random() < 0.2:
        text += ("" if lang == "zh" else " ") + rng.choice(SHORT[lang])
    return text


def other_lang_doc(rng: random.Random, lang: str) -> str:
    """A few sentences in French, German, Spanish, Russian or Japanese."""
    sentences = rng.sample(OTHER_LANG[lang], rng.randint(3, 6))
    return ("" if lang == "ja" else " ").join(sentences)


# ---------------------------------------------------------------------------------------------
# Transforms of clean documents
# ---------------------------------------------------------------------------------------------

# Bytes 0x80-0x9f as Windows-1252 reads them (undefined ones stay as latin-1 control chars,
# the "sloppy" cp1252 that ftfy knows how to undo).
CP1252 = {b: bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(0x80, 0xA0)}


def mojibake(text: str, rng: random.Random) -> str:
    """UTF-8 bytes of `text` decoded as latin-1 or (sloppy) cp1252: 天 -> å¤©, é -> Ã©."""
    wrong = text.encode("utf-8").decode("latin-1")
    return wrong.translate(CP1252) if rng.random() < 0.7 else wrong


_FENCE = re.compile(r"```(\w*)\n(.*?)\n```", re.S)


def to_html(text: str, rng: random.Random) -> str:
    """Wrap a document in an HTML page: <p> per paragraph, entities, &nbsp;, <pre> for code."""
    blocks = []
    pos = 0
    for m in _FENCE.finditer(text):
        blocks += _paragraph_html(text[pos:m.start()], rng)
        blocks.append(f'<pre><code class="language-{m.group(1)}">{html.escape(m.group(2), False)}'
                      "</code></pre>")
        pos = m.end()
    blocks += _paragraph_html(text[pos:], rng)
    title = html.escape(text.split("\n", 1)[0][:40], False)
    nl = "\n" if rng.random() < 0.6 else ""
    body = nl.join(blocks)
    wrapper = rng.choice((
        '<div class="article-content">{nl}{body}{nl}</div>',
        '<article>{nl}<div class="content">{nl}{body}{nl}</div>{nl}</article>',
        '<html><head><meta charset="utf-8"><title>{title}</title></head>'
        '<body>{nl}<div id="main">{nl}{body}{nl}</div>{nl}</body></html>',
        '<div class="post"><span class="date">2023-{mm}-{dd}</span>{nl}{body}{nl}</div>',
    ))
    return wrapper.format(nl=nl, body=body, title=title, mm=f"{rng.randint(1, 12):02d}",
                          dd=f"{rng.randint(1, 28):02d}")


def _paragraph_html(chunk: str, rng: random.Random) -> list[str]:
    out = []
    for para in chunk.strip("\n").split("\n\n"):
        if not para.strip():
            continue
        body = html.escape(para, quote=False).replace("\n", "<br/>")
        body = body.replace("“", "&ldquo;").replace("”", "&rdquo;")
        if rng.random() < 0.5:
            body = body.replace(" ", "&nbsp;", rng.randint(1, 4))
        if rng.random() < 0.3:
            body = "&nbsp;&nbsp;" + body
        if rng.random() < 0.2:
            body = f"<strong>{body}</strong>"
        out.append(f"<p>{body}</p>")
    return out


def shingles(text: str, k: int = 5) -> set[str]:
    """Character k-gram shingles of `text`."""
    return {text[i:i + k] for i in range(max(1, len(text) - k + 1))}


def word_shingles(text: str, k: int = 5) -> set[tuple[str, ...]]:
    """Whitespace-word k-gram shingles of `text`."""
    words = text.split()
    return {tuple(words[i:i + k]) for i in range(max(1, len(words) - k + 1))}


def jaccard(a: set, b: set) -> float:
    """Jaccard similarity of two sets."""
    return len(a & b) / len(a | b) if a or b else 1.0


ZH_FILLERS = ("也", "还", "都", "已经", "非常", "进一步", "目前", "同时", "确实", "大约")
EN_FILLERS = ("also", "really", "very", "just", "indeed", "now", "still", "clearly", "quite")
EN_SWAPS = ("the", "a", "this", "that", "some", "many", "new", "big", "recent", "local")
SENTENCE_END = {"zh": re.compile(r"(?<=[。！？])"), "en": re.compile(r"(?<=[.!?]) (?=[A-Z“])")}
# Target similarity of a near duplicate to its original: word 5-gram Jaccard for English,
# character 5-gram Jaccard for Chinese (on characters, English near duplicates then land at
# about 0.8-0.97).
NEAR_DUP_TARGET = {"zh": (0.80, 0.95), "en": (0.70, 0.92)}
NEAR_DUP_MAX_CHAR = 0.97  # and never closer than this on character 5-grams


def near_duplicate(text: str, rng: random.Random, lang: str) -> str:
    """A lightly edited copy of `text`: words changed, inserted or deleted, maybe a sentence
    dropped, whitespace and punctuation touched, steered to a 5-gram Jaccard similarity drawn
    from NEAR_DUP_TARGET."""
    target = rng.uniform(*NEAR_DUP_TARGET[lang])
    measure = shingles if lang == "zh" else word_shingles
    base = measure(text)
    out = text
    if rng.random() < 0.5:
        sentences = [s for s in SENTENCE_END[lang].split(out) if s]
        if len(sentences) >= 12:
            del sentences[rng.randrange(1, len(sentences))]
            out = ("" if lang == "zh" else " ").join(sentences)
    out = _punctuation_edit(out, rng, lang)
    chars = base if lang == "zh" else shingles(text)
    for _ in range(10):
        sim = jaccard(base, measure(out))
        char_sim = sim if lang == "zh" else jaccard(chars, shingles(out))
        if sim <= target and char_sim <= NEAR_DUP_MAX_CHAR:
            break
        # (1 - J) / (1 + J) of the shingles must change; each edit changes about 5 of them.
        if sim > target:
            need = len(base) * (_changed(target) - _changed(sim)) / 5
        else:
            need = len(chars) * (_changed(NEAR_DUP_MAX_CHAR) - _changed(char_sim)) / 5
        out = _word_edits(out, rng, lang, max(1, round(need)))
    return out


def _changed(similarity: float) -> float:
    """Share of shingles that differ between two equally long texts of this Jaccard similarity."""
    return (1 - similarity) / (1 + similarity)


def _punctuation_edit(text: str, rng: random.Random, lang: str) -> str:
    if lang == "zh":
        old, new = rng.choice((("，", ","), ("：", ":"), ("。", "．"), ("“", "\""), ("；", ";")))
    else:
        old, new = rng.choice(((", ", " , "), (". ", ".  "), ("—", "--"), ("’", "'"), (" ", "  ")))
    return text.replace(old, new, rng.randint(1, 3))


def _word_edits(text: str, rng: random.Random, lang: str, n: int) -> str:
    if lang == "zh":
        chars = list(text)
        for _ in range(n):
            i = rng.randrange(len(chars))
            op = rng.random()
            if op < 0.4:
                chars.insert(i, rng.choice(ZH_FILLERS))
            elif op < 0.7:
                del chars[i:i + rng.randint(1, 2)]
            else:
                chars[i] = rng.choice(ZH_FILLERS)
            if not chars:
                chars = ["。"]
        return "".join(chars)
    words = text.split(" ")
    for _ in range(n):
        i = rng.randrange(len(words))
        op = rng.random()
        if op < 0.35:
            words.insert(i, rng.choice(EN_FILLERS))
        elif op < 0.65 and len(words) > 1:
            del words[i]
        else:
            words[i] = rng.choice(EN_SWAPS)
    return " ".join(words)
