"""Slot fillers for the sample corpus: names, places, organisations and numbers, in zh and en.

Sentence templates use `str.format` fields such as `{person}` or `{pct}`. A `Slots` mapping
fills them lazily from the tables below. Names and places are "sticky" (the same value for a
whole document, so an article keeps talking about the same company); numbers are drawn afresh
at every use. Every name here is invented for the sample data.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence

Filler = Callable[[random.Random], str]


def choice(items: Sequence[str]) -> Filler:
    """A filler that picks one of `items`."""
    values = tuple(items)
    return lambda rng: values[int(rng.random() * len(values))]


def integer(low: int, high: int, fmt: str = "{}") -> Filler:
    """A filler drawing an integer in [low, high], formatted with `fmt`."""
    span = high - low + 1
    return lambda rng: fmt.format(low + int(rng.random() * span))


def decimal(low: float, high: float, fmt: str = "{:.2f}") -> Filler:
    """A filler drawing a float in [low, high), formatted with `fmt`."""
    return lambda rng: fmt.format(rng.uniform(low, high))


def combine(first: Sequence[str], second: Sequence[str], sep: str = "") -> Filler:
    """A filler joining one item of `first` and one of `second`."""
    a, b = choice(first), choice(second)
    return lambda rng: a(rng) + sep + b(rng)


def ordinal(n: int) -> str:
    """English ordinal: 1st, 2nd, 3rd, 11th, 22nd ..."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


_ALTERNATIVES = re.compile(r"\[([^\[\]]*)\]")


def vary(template: str, rng: random.Random) -> str:
    """Resolve `[a|b|c]` alternatives in a template by picking one at random."""
    if "[" not in template:
        return template
    return _ALTERNATIVES.sub(lambda m: rng.choice(m.group(1).split("|")), template)


def fill(template: str, rng: random.Random, slots: Slots) -> str:
    """A template with its alternatives resolved and its fields filled."""
    return vary(template, rng).format_map(slots)


class Slots(dict):
    """A `format_map` mapping that draws missing fields from a filler table.

    Sticky fields are remembered for the rest of the document; others are redrawn each time.
    """

    def __init__(self, rng: random.Random, table: dict[str, tuple[Filler, bool]]) -> None:
        super().__init__()
        self.rng = rng
        self.table = table

    def __missing__(self, key: str) -> str:
        filler, sticky = self.table[key]
        value = filler(self.rng)
        if sticky:
            self[key] = value
        return value


# ---------------------------------------------------------------------------------------------
# Chinese
# ---------------------------------------------------------------------------------------------

ZH_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
    "韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
)
ZH_GIVEN = (
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "军", "涛", "明", "超", "霞",
    "平", "刚", "桂英", "建华", "晓东", "文博", "子涵", "欣怡", "浩然", "雨轩", "思远", "佳怡",
    "志强", "海燕", "国庆", "晨曦", "嘉豪", "婉婷", "宇航", "梓萱", "一鸣", "立新", "春梅",
)
ZH_CITIES = (
    "北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "西安", "南京", "重庆", "天津",
    "苏州", "长沙", "郑州", "青岛", "厦门", "合肥", "昆明", "沈阳", "哈尔滨", "济南", "福州",
    "南宁", "贵阳", "兰州", "宁波", "无锡", "大连", "石家庄", "太原", "南昌", "乌鲁木齐",
)
ZH_PROVINCES = (
    "广东", "浙江", "江苏", "四川", "湖北", "湖南", "河南", "山东", "福建", "安徽", "云南",
    "广西", "江西", "陕西", "河北", "辽宁", "黑龙江", "贵州", "甘肃", "山西",
)
ZH_DISTRICTS = (
    "城东新区", "高新区", "老城区", "滨江片区", "开发区", "大学城", "南部新城", "中心城区",
)
ZH_BRAND = (
    "华信", "东岳", "星河", "云帆", "金石", "蓝海", "瑞丰", "恒泰", "天启", "北辰", "明德",
    "新锐", "远航", "长风", "博远", "汇通", "鼎盛", "安达", "同创", "启明", "青松", "卓越",
)
ZH_TECH_SUFFIX = ("科技", "智能", "网络", "软件", "半导体", "电子", "数据", "信息技术")
ZH_FIN_SUFFIX = ("银行", "证券", "基金", "资本", "保险", "信托", "控股", "投资")
ZH_ANY_SUFFIX = ("集团", "股份", "实业", "汽车", "医药", "能源", "物流", "地产")
ZH_MEDIA = ("本报", "新华社", "中新网", "本台记者", "晚报", "都市报", "财经网", "新闻客户端")
ZH_DEPTS = ("交通运输局", "教育局", "卫健委", "住建局", "文旅局", "生态环境局", "公安局", "民政局")
ZH_OFFICIALS = ("市长", "副市长", "局长", "新闻发言人", "相关负责人", "区委书记", "主任")
ZH_TOPICS = (
    "城市交通拥堵", "老旧小区改造", "义务教育资源", "养老服务", "垃圾分类", "空气质量",
    "就业创业", "食品安全", "公共卫生", "住房保障", "乡村振兴", "营商环境",
)
ZH_PROJECTS = (
    "城市更新项目", "地铁延伸工程", "智慧社区建设", "污水处理厂扩建工程", "滨江绿道工程",
    "老旧管网改造", "新建综合医院项目", "体育中心改建工程",
)
ZH_POLICIES = ("人才引进新政", "购房补贴政策", "公交优惠措施", "消费券发放方案", "托育服务补贴办法")
ZH_EVENTS = ("国际马拉松", "文化旅游节", "科技博览会", "春季招聘会", "读书节", "美食节", "灯会")
ZH_SCAMS = ("冒充客服退款", "刷单返利", "虚假投资理财", "冒充公检法", "网络贷款")
ZH_HOSPITALS = ("市第一人民医院", "市中心医院", "儿童医院", "中医院", "妇幼保健院")
ZH_SECTORS = (
    "半导体", "新能源汽车", "光伏", "白酒", "医药生物", "银行", "券商", "房地产", "有色金属",
    "军工", "消费电子", "人工智能", "煤炭", "旅游酒店",
)
ZH_INDICES = ("上证指数", "深证成指", "创业板指", "沪深300指数", "科创50指数", "恒生指数")
ZH_PRODUCTS = (
    "智能手机", "折叠屏手机", "笔记本电脑", "智能手表", "平板电脑", "无线耳机", "云服务器",
    "大语言模型", "自动驾驶系统", "智能音箱", "扫地机器人", "VR头显",
)
ZH_TECH_TERMS = (
    "人工智能", "云计算", "边缘计算", "物联网", "区块链", "量子计算", "大模型", "机器人",
    "自动驾驶", "5G通信", "数据库", "开源软件", "芯片设计",
)
ZH_ALGOS = ("图神经网络", "强化学习", "知识蒸馏", "稀疏注意力", "联邦学习", "检索增强生成")
ZH_OSS = ("深度学习框架", "分布式数据库", "向量检索引擎", "前端组件库", "编译器工具链")
ZH_RESEARCH = ("市场研究机构", "某咨询公司", "行业协会", "第三方调研机构")
ZH_MASCOTS = ("猎鹰", "巨鲸", "雄狮", "飞鹏", "青龙", "熊猫", "猛虎", "烈马", "海鸥", "雪豹")
ZH_LEAGUES = ("中超联赛", "CBA联赛", "女排联赛", "中甲联赛", "城市足球联赛")
ZH_SPORT_EVENTS = ("全运会", "亚运会", "世界大学生运动会", "全国田径锦标赛", "青年运动会")
ZH_CHIPS = ("天枢", "玄武", "朱雀", "昆仑", "凌霄", "星辰")
ZH_QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度", "上半年", "前三季度")
ZH_SAY = ("表示", "指出", "强调", "介绍", "坦言", "称")

ZH_TABLE: dict[str, tuple[Filler, bool]] = {
    "person": (combine(ZH_SURNAMES, ZH_GIVEN), True),
    "person2": (combine(ZH_SURNAMES, ZH_GIVEN), True),
    "player": (combine(ZH_SURNAMES, ZH_GIVEN), True),
    "player2": (combine(ZH_SURNAMES, ZH_GIVEN), True),
    "coach": (combine(ZH_SURNAMES, ZH_GIVEN), True),
    "runner": (combine(ZH_SURNAMES, ZH_GIVEN), True),
    "analyst": (combine(ZH_SURNAMES, ZH_GIVEN), True),
    "city": (choice(ZH_CITIES), True),
    "city2": (choice(ZH_CITIES), True),
    "province": (choice(ZH_PROVINCES), True),
    "district": (choice(ZH_DISTRICTS), True),
    "company": (combine(ZH_BRAND, ZH_ANY_SUFFIX), True),
    "tech_company": (combine(ZH_BRAND, ZH_TECH_SUFFIX), True),
    "tech_company2": (combine(ZH_BRAND, ZH_TECH_SUFFIX), True),
    "fin_company": (combine(ZH_BRAND, ZH_FIN_SUFFIX), True),
    "media": (choice(ZH_MEDIA), True),
    "dept": (choice(ZH_DEPTS), True),
    "official": (choice(ZH_OFFICIALS), False),
    "topic": (choice(ZH_TOPICS), True),
    "project": (choice(ZH_PROJECTS), True),
    "policy": (choice(ZH_POLICIES), True),
    "event": (choice(ZH_EVENTS), True),
    "scam": (choice(ZH_SCAMS), False),
    "hospital": (choice(ZH_HOSPITALS), True),
    "sector": (choice(ZH_SECTORS), True),
    "sector2": (choice(ZH_SECTORS), True),
    "index": (choice(ZH_INDICES), True),
    "product": (choice(ZH_PRODUCTS), True),
    "tech_term": (choice(ZH_TECH_TERMS), True),
    "algo": (choice(ZH_ALGOS), True),
    "oss_kind": (choice(ZH_OSS), True),
    "research": (choice(ZH_RESEARCH), False),
    "chip": (combine(ZH_CHIPS, ("一号", "二代", "X1", "Pro")), True),
    "team": (combine(ZH_CITIES, ZH_MASCOTS), True),
    "team2": (combine(ZH_CITIES, ZH_MASCOTS), True),
    "league": (choice(ZH_LEAGUES), True),
    "event_sport": (choice(ZH_SPORT_EVENTS), True),
    "say": (choice(ZH_SAY), False),
    "updown": (choice(("上涨", "下跌", "微涨", "小幅回落")), False),
    "updown2": (choice(("增长", "下降")), False),
    "inout": (choice(("流入", "流出")), True),
    "quarter": (choice(ZH_QUARTERS), True),
    "year": (integer(2016, 2024), True),
    "month": (integer(1, 12, "{}月"), False),
    "day": (integer(1, 28), False),
    "date": (lambda rng: f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日", False),
    "line": (integer(2, 18), True),
    "round": (integer(1, 30), True),
    "rank": (integer(1, 16), False),
    "small": (integer(2, 12), False),
    "small3": (integer(0, 3), False),
    "num_k": (integer(12, 980, "{}0"), False),
    "num_wan": (integer(2, 480), False),
    "num_yi": (decimal(1.2, 98.0, "{:.1f}"), False),
    "params": (choice(("70", "130", "340", "700", "1750", "5000")), False),
    "km": (decimal(8.0, 46.0, "{:.1f}"), False),
    "pct": (decimal(0.5, 48.0, "{:.1f}%"), False),
    "pct2": (decimal(5.0, 40.0, "{:.0f}%"), False),
    "pct_small": (decimal(0.1, 3.5, "{:.1f}%"), False),
    "amount": (decimal(0.8, 860.0, "{:.2f}亿元"), False),
    "amount_small": (decimal(5.0, 150.0, "{:.2f}亿元"), False),
    "amount_big": (decimal(1.1, 4.8, "{:.2f}万亿元"), False),
    "points": (decimal(2800.0, 3600.0, "{:.2f}"), False),
    "fx": (decimal(6.85, 7.35, "{:.4f}"), False),
    "bp_pts": (integer(3, 180), False),
    "bp": (choice(("0.25", "0.5")), False),
    "yield_": (decimal(1.9, 2.9, "{:.2f}%"), False),
    "rate": (decimal(1.6, 2.2, "{:.2f}%"), False),
    "div": (decimal(0.5, 12.0, "{:.2f}"), False),
    "oil": (decimal(62.0, 95.0, "{:.2f}"), False),
    "gold": (integer(1800, 2500), False),
    "nm": (choice(("3", "4", "5", "7", "12")), True),
    "price": (choice(("1999", "2999", "3699", "4599", "5999", "7999", "9999")), True),
    "ms": (integer(5, 200), False),
    "pue": (decimal(1.08, 1.3, "{:.2f}"), False),
    "score": (lambda rng: f"{rng.randint(1, 4)}比{rng.randint(0, 1)}", False),
    "minute": (integer(3, 90), False),
    "points_s": (integer(12, 68), False),
    "pts": (integer(12, 45), False),
    "reb": (integer(2, 16), False),
    "ast": (integer(1, 13), False),
    "hours": (choice(("2", "2", "3")), False),
    "mins": (integer(5, 59, "{:02d}"), False),
    "sprint": (decimal(9.9, 10.4, "{:.2f}"), False),
    "shots": (integer(6, 24), False),
}


# ---------------------------------------------------------------------------------------------
# English
# ---------------------------------------------------------------------------------------------

EN_FIRST = (
    "James", "Emily", "Michael", "Sarah", "David", "Laura", "Daniel", "Olivia", "Ahmed", "Priya",
    "Hannah", "Lucas", "Mia", "Noah", "Grace", "Mateo", "Aisha", "Ethan", "Sofia", "Liam",
    "José", "Zoë", "Renée", "André", "Chloé", "Søren", "Marta", "Tom", "Rachel", "Kevin",
)
EN_LAST = (
    "Smith", "Johnson", "García", "Müller", "O’Brien", "Nguyen", "Patel", "Brown", "Wilson",
    "Taylor", "Kowalski", "Anderson", "Thompson", "Rossi", "Dubois", "Kim", "Martin", "Clarke",
    "Evans", "Walker", "Hughes", "Novák", "Jensen", "Fischer", "Moreno", "Okafor", "Lindqvist",
)
EN_CITIES = (
    "Riverton", "Millbrook", "Eastport", "Kingsbridge", "Ashford", "Lakewood", "Harborview",
    "Northfield", "Westbury", "Brookhaven", "Cedar Falls", "Fairmont", "Glenwood", "Oakridge",
    "Port Ellis", "Stonebridge", "Maple Grove", "Redhill", "Sutton Vale", "Clearwater",
)
EN_REGIONS = ("the north-west", "the coastal counties", "the southern valleys", "the midlands")
EN_DISTRICTS = ("Old Town", "Riverside", "the harbour", "Market Square", "the university quarter")
EN_BRAND = (
    "Northwind", "Bluefield", "Crestline", "Ironwood", "Silverline", "Brightpath", "Harbor",
    "Summit", "Pinecrest", "Redstone", "Lumen", "Vertex", "Cobalt", "Meridian", "Aster", "Quill",
)
EN_TECH_SUFFIX = ("Labs", "Systems", "Technologies", "Software", "Networks", "Robotics", "AI")
EN_FIN_SUFFIX = ("Capital", "Bank", "Financial", "Asset Management", "Securities", "Partners")
EN_AGENCIES = (
    "city council", "transport authority", "weather service", "health department",
    "planning office", "fire service",
)
EN_FACILITIES = (
    "library", "sports centre", "community clinic", "park", "bus station", "museum wing",
)
EN_PROJECTS = (
    "riverside redevelopment", "light rail extension", "flood defence scheme",
    "new hospital wing", "bridge renovation", "affordable housing programme",
)
EN_GOALS = (
    "cut traffic congestion", "build 2,000 new homes", "plant 10,000 trees",
    "expand the bus network", "reopen the old railway line",
)
EN_TITLES = ("Mayor", "Councillor", "Commissioner", "Deputy Mayor", "Chief Inspector")
EN_LANDMARKS = (
    "the old mill", "Victoria Bridge", "the town hall", "the marina", "St Anne’s church",
)
EN_INDICES = (
    "S&P 500", "Nasdaq Composite", "Dow Jones Industrial Average", "FTSE 100", "DAX",
    "Nikkei 225", "Euro Stoxx 50",
)
EN_PRODUCTS = (
    "smartphone", "laptop", "smartwatch", "tablet", "wireless earbuds", "mixed-reality headset",
    "home assistant", "e-reader", "gaming console",
)
EN_TECH_TERMS = (
    "generative AI", "edge computing", "cloud storage", "machine learning", "quantum computing",
    "cybersecurity tools", "autonomous driving", "open-source databases",
)
EN_ALGOS = ("graph neural network", "reinforcement learning", "distillation", "sparse attention")
EN_OSS = ("vector database", "web framework", "compiler toolchain", "observability library")
EN_RESEARCH = ("IDC", "Canalys", "Counterpoint Research", "Gartner", "an industry tracker")
EN_VC = ("a consortium of European funds", "Northwind Ventures", "Aster Capital")
EN_MASCOTS = ("Falcons", "Rangers", "Tigers", "Wolves", "Rovers", "Hawks", "United", "Athletic")
EN_LEAGUES = ("Premier Division", "national league", "Championship", "Western Conference")
EN_STADIUMS = ("Riverside Park", "the Northfield Arena", "Kingsbridge Stadium", "Victoria Ground")
EN_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
AM_PM = ("am", "pm")
EN_RANKS = ("top of the table", "into second place", "into the play-off places")
EN_SAID = ("said", "noted", "added", "explained", "told reporters")


def _money(low: float, high: float, unit: str) -> Filler:
    currency = choice(("$", "$", "€", "£"))
    return lambda rng: f"{currency(rng)}{rng.uniform(low, high):.1f} {unit}"


EN_TABLE: dict[str, tuple[Filler, bool]] = {
    "person": (combine(EN_FIRST, EN_LAST, " "), True),
    "person2": (combine(EN_FIRST, EN_LAST, " "), True),
    "player": (combine(EN_FIRST, EN_LAST, " "), True),
    "player2": (combine(EN_FIRST, EN_LAST, " "), True),
    "coach": (combine(EN_FIRST, EN_LAST, " "), True),
    "runner": (combine(EN_FIRST, EN_LAST, " "), True),
    "analyst": (combine(EN_FIRST, EN_LAST, " "), True),
    "city": (choice(EN_CITIES), True),
    "region": (choice(EN_REGIONS), True),
    "district": (choice(EN_DISTRICTS), True),
    "company": (combine(EN_BRAND, ("Group", "Holdings", "Motors", "Foods", "Energy"), " "), True),
    "tech_company": (combine(EN_BRAND, EN_TECH_SUFFIX, " "), True),
    "tech_company2": (combine(EN_BRAND, EN_TECH_SUFFIX, " "), True),
    "fin_company": (combine(EN_BRAND, EN_FIN_SUFFIX, " "), True),
    "fin_company2": (combine(EN_BRAND, EN_FIN_SUFFIX, " "), True),
    "agency": (choice(EN_AGENCIES), True),
    "facility": (choice(EN_FACILITIES), True),
    "project": (choice(EN_PROJECTS), True),
    "goal": (choice(EN_GOALS), True),
    "official_title": (choice(EN_TITLES), True),
    "landmark": (choice(EN_LANDMARKS), True),
    "index": (choice(EN_INDICES), True),
    "index2": (choice(EN_INDICES), True),
    "product": (choice(EN_PRODUCTS), True),
    "tech_term": (choice(EN_TECH_TERMS), True),
    "algo": (choice(EN_ALGOS), True),
    "oss_kind": (choice(EN_OSS), True),
    "research": (choice(EN_RESEARCH), False),
    "vc": (choice(EN_VC), True),
    "chip": (combine(("Helix", "Nova", "Atlas", "Orion", "Tern"), (" X1", " 2", " Pro")), True),
    "team": (combine(EN_CITIES, EN_MASCOTS, " "), True),
    "team2": (combine(EN_CITIES, EN_MASCOTS, " "), True),
    "league": (choice(EN_LEAGUES), True),
    "stadium": (choice(EN_STADIUMS), True),
    "said": (choice(EN_SAID), False),
    "updown": (choice(("up", "down", "higher by", "lower by")), False),
    "moved": (choice(("rose", "fell", "added", "slipped")), False),
    "quarter": (choice(("first-quarter", "second-quarter", "third-quarter", "full-year")), True),
    "year": (integer(2016, 2024), True),
    "month": (choice(EN_MONTHS), False),
    "weekday": (choice(EN_WEEKDAYS), False),
    "time": (lambda rng: f"{rng.randint(1, 11)}:{rng.randint(0, 59):02d} {rng.choice(AM_PM)}",
             False),
    "small": (integer(2, 12), False),
    "small2": (integer(10, 40), False),
    "small3": (integer(1, 6), False),
    "nth": (lambda rng: ordinal(rng.randint(3, 12)), False),
    "votes": (integer(7, 12), False),
    "votes2": (integer(2, 6), False),
    "num_k": (lambda rng: f"{rng.randint(1, 60) * 100:,}", False),
    "num_small": (integer(35, 900), False),
    "num_bn": (integer(8, 120), False),
    "num_mn": (decimal(1.1, 9.5, "{:.1f}"), False),
    "mm": (integer(40, 180), False),
    "pct": (decimal(0.5, 48.0, "{:.1f}%"), False),
    "pct2": (integer(5, 40, "{}%"), False),
    "pct_small": (decimal(0.1, 3.5, "{:.1f}%"), False),
    "money": (_money(12.0, 980.0, "thousand"), False),
    "money_big": (_money(1.2, 95.0, "billion"), False),
    "eps": (decimal(0.3, 6.5, "${:.2f}"), False),
    "points": (decimal(4200.0, 18000.0, "{:,.2f}"), False),
    "rate": (decimal(3.5, 5.5, "{:.2f}%"), False),
    "yield_": (decimal(3.4, 4.9, "{:.2f}%"), False),
    "fx": (decimal(1.04, 1.12, "${:.4f}"), False),
    "fx_gbp": (decimal(1.21, 1.31, "${:.4f}"), False),
    "oil": (decimal(62.0, 95.0, "${:.2f}"), False),
    "gold": (integer(1800, 2500, "${:,}"), False),
    "price": (decimal(8.0, 420.0, "${:.2f}"), False),
    "price_small": (decimal(0.1, 15.0, "${:.2f}"), False),
    "retail_price": (choice(("$499", "$799", "€999", "£1,199", "$1,499", "$3,499")), True),
    "div": (decimal(0.1, 2.5, "${:.2f}"), False),
    "ratio": (decimal(0.3, 1.9, "{:.2f}"), False),
    "ratio2": (decimal(0.3, 1.9, "{:.2f}"), False),
    "nm": (choice(("3", "4", "5", "7")), True),
    "ms": (integer(5, 200), False),
    "version": (lambda rng: f"{rng.randint(2, 18)}.{rng.randint(0, 9)}", True),
    "score": (lambda rng: f"{rng.randint(1, 4)}–{rng.randint(0, 1)}", False),
    "bball_score": (lambda rng: f"{rng.randint(101, 128)}–{rng.randint(88, 100)}", False),
    "tennis_score": (lambda rng: f"6–{rng.randint(0, 4)}, 6–{rng.randint(0, 4)}", False),
    "minute": (lambda rng: ordinal(rng.randint(3, 90)), False),
    "rank_words": (choice(EN_RANKS), False),
    "pts": (integer(12, 45), False),
    "reb": (integer(2, 16), False),
    "ast": (integer(1, 13), False),
    "hours": (choice(("2", "2", "3")), False),
    "mins": (integer(5, 59, "{:02d}"), False),
    "secs": (integer(0, 59, "{:02d}"), False),
    "sprint": (decimal(9.9, 10.4, "{:.2f}"), False),
    "shots": (integer(6, 24), False),
    "pct_poss": (integer(38, 71, "{}%"), False),
}

TABLES: dict[str, dict[str, tuple[Filler, bool]]] = {"zh": ZH_TABLE, "en": EN_TABLE}
