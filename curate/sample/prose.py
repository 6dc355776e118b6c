"""Sentence banks and the article builder for the prose domains: news, finance, tech, sports.

Each domain has title templates and sentence templates in Chinese and English; a few generic
sentences are shared by all domains so that no single word gives the label away.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from curate.sample.lexicon import TABLES, Slots, fill

# ---------------------------------------------------------------------------------------------
# Chinese
# ---------------------------------------------------------------------------------------------

ZH_TITLES: dict[str, tuple[str, ...]] = {
    "news": (
        "{city}启动{project}，预计惠及{num_wan}万居民",
        "{city}发布{policy}，{topic}迎来新变化",
        "{city}{event}顺利举行，吸引{num_wan}万人次参与",
        "{province}多地出现强降雨，相关部门启动应急响应",
        "{city}地铁{line}号线正式开通运营",
    ),
    "finance": (
        "{fin_company}发布{year}年{quarter}财报，净利润同比增长{pct}",
        "A股三大指数{updown}，{sector}板块表现活跃",
        "央行宣布下调存款准备金率{bp}个百分点",
        "北向资金连续{small}日净{inout}，{sector}获重点加仓",
        "{fin_company}拟募资{amount}，加码{sector}业务",
    ),
    "tech": (
        "{tech_company}发布新一代{product}，性能提升{pct2}",
        "{tech_term}加速落地，{tech_company}披露最新进展",
        "{tech_company}开源{oss_kind}，开发者反响热烈",
        "{year}年全球{product}出货量回暖，国产品牌份额提升",
        "{tech_company}与{tech_company2}达成战略合作",
    ),
    "sports": (
        "{league}第{round}轮：{team}主场{score}力克{team2}",
        "{player}梅开二度，{team}豪取{small}连胜",
        "{city}马拉松鸣枪开跑，{runner}夺得男子组冠军",
        "{event_sport}落幕，{province}代表团位列奖牌榜前列",
        "{team}官宣与{player}续约",
    ),
}

ZH_SENTENCES: dict[str, tuple[str, ...]] = {
    "news": (
        "{date}，{city}市政府召开新闻发布会，介绍了{project}的最新进展。",
        "据{media}报道，{city}近日出台了{policy}，重点解决{topic}问题。",
        "{official}在会上{say}，今年将继续加大对{topic}的投入力度。",
        "截至{month}底，全市已累计完成投资{amount}，超过年度计划的{pct}。",
        "记者从{city}{dept}获悉，{project}预计将于{year}年年底前全面完工。",
        "受强降雨影响，{province}部分地区出现积水，交通一度受阻。",
        "气象部门提醒，未来三天{city}仍有中到大雨，市民出行请注意安全。",
        "当地居民{person}告诉记者：“以前办事要跑好几趟，现在在手机上就能办好。”",
        "此次活动共吸引了{num_wan}万人次参与，创下历史新高。",
        "据悉，{city}今年计划新建学校{small}所，新增学位{num_k}个。",
        "{dept}相关负责人介绍，目前各项工作正在有序推进。",
        "{city}地铁{line}号线全长{km}公里，设站{small}座，沿线覆盖多个居民区。",
        "该项目建成后，将有效缓解{district}一带的交通压力。",
        "警方提醒广大市民，谨防以“{scam}”为名义的电信诈骗。",
        "在{event}现场，来自全国各地的{num_k}余名嘉宾参加了开幕式。",
        "{person}是一名在{city}工作了{small}年的社区志愿者，每周都会到养老院帮忙。",
        "专家认为，解决{topic}问题需要政府、企业和社会各方共同努力。",
        "据统计，今年一季度{city}共接待游客{num_wan}万人次，同比增长{pct}。",
        "目前，事故原因正在进一步调查中，伤者已被送往{hospital}救治。",
        "{city}第{small}届{event}将于{month}中旬开幕，持续一周。",
        "{hospital}近日开设了夜间门诊，方便上班族就医。",
        "相关部门表示，将加强监管，确保各项措施落到实处。",
        "不少网友在社交平台上留言，对这一举措表示点赞。",
        "{city}{dept}发布通知，自{month}{day}日起调整部分公交线路。",
        "在{district}，一座占地{num_k}平方米的城市公园已经向市民开放。",
        "对此，{official}回应称，将认真听取群众意见，不断改进工作。",
        "据了解，该政策将在{city}先行试点，之后逐步推广至全省。",
        "本次调查共涉及{num_wan}万户家庭，历时{small}个月。",
        "消防部门在接到报警后迅速赶到现场，火势很快得到控制。",
        "{city}与{city2}两地还签署了文化旅游合作协议。",
    ),
    "finance": (
        "{date}，{index}收盘{updown}{pct_small}，报{points}点，两市成交额{amount_small}。",
        "{sector}板块午后走强，多只个股涨停。",
        "{fin_company}公告显示，公司{quarter}实现营业收入{amount}，同比增长{pct}。",
        "归属于上市公司股东的净利润为{amount_small}，较上年同期{updown2}{pct}。",
        "分析人士认为，当前市场估值处于历史较低水平，中长期配置价值凸显。",
        "北向资金今日净{inout}{amount_small}，连续{small}个交易日净{inout}。",
        "{fin_company}首席经济学家{analyst}{say}：“短期来看，市场仍将维持震荡格局，投资者应注意控制仓位。”",
        "人民币对美元汇率中间价报{fx}，较前一交易日调整{bp_pts}个基点。",
        "10年期国债收益率下行至{yield_}，创近期新低。",
        "央行今日开展{amount}逆回购操作，中标利率为{rate}。",
        "{fin_company}董事会审议通过了分红预案，拟每10股派发现金红利{div}元。",
        "数据显示，{month}份居民消费价格指数（CPI）同比上涨{pct_small}。",
        "业内人士指出，利率下行将降低企业的融资成本，有利于提振投资。",
        "公司毛利率为{pct}，较去年同期提升了{small}个百分点。",
        "截至{month}末，该基金管理规模已突破{amount}。",
        "受此消息影响，{fin_company}股价盘中一度大涨{pct_small}。",
        "证券交易所表示，将进一步完善退市制度，保护中小投资者的合法权益。",
        "从资金流向看，主力资金主要流入{sector}和{sector2}等行业。",
        "多家券商研报指出，{sector}行业有望在下半年迎来业绩拐点。",
        "{fin_company}计划通过定向增发募集资金不超过{amount}，用于补充流动资金。",
        "国际油价周五收跌，布伦特原油期货报每桶{oil}美元。",
        "黄金价格继续走高，现货黄金一度突破每盎司{gold}美元。",
        "{month}份社会融资规模增量为{amount_big}，高于市场预期。",
        "有市场人士担心，海外加息预期升温可能引发短期资金外流。",
        "投资者需警惕高位追涨的风险，理性看待市场的短期波动。",
        "该公司资产负债率为{pct}，经营性现金流状况总体稳健。",
        "房地产销售数据仍然偏弱，{month}份百强房企销售额同比下降{pct}。",
        "{fin_company}的不良贷款率为{pct_small}，拨备覆盖率保持在较高水平。",
        "今年以来，已有{small}家公司在科创板完成首次公开募股。",
        "债券市场方面，信用债收益率普遍下行，市场交投活跃。",
    ),
    "tech": (
        "{tech_company}今日正式发布了新一代{product}，搭载自研{chip}芯片。",
        "据介绍，新品采用{nm}纳米工艺，性能较上一代提升{pct}，功耗降低{pct2}。",
        "{tech_company}创始人{person}在发布会上{say}，公司将持续加大在{tech_term}领域的研发投入。",
        "该大模型参数规模达到{params}亿，支持中文、英文等多种语言。",
        "业内人士认为，{tech_term}正在从概念验证走向大规模商用。",
        "新版本操作系统修复了{small}个安全漏洞，并优化了后台内存管理。",
        "开发者可以通过开放接口（API）将相关能力集成到自己的应用中。",
        "据{research}数据，{year}年全球{product}出货量达到{num_yi}亿台，同比增长{pct}。",
        "{tech_company}宣布其云服务平台已覆盖全球{small}个地区。",
        "随着{tech_term}技术的成熟，越来越多的传统企业开始推进数字化转型。",
        "这款{product}的起售价为{price}元，将于{month}{day}日正式开售。",
        "用户反馈称，新系统的续航表现明显改善，日常使用可达{small}小时。",
        "研究团队在国际学术会议上发表论文，提出了一种基于{algo}的新方法。",
        "实验结果表明，该方法在多个公开数据集上取得了领先成绩。",
        "{tech_company}开源了其内部使用的{oss_kind}，代码已发布在代码托管平台上。",
        "数据安全和隐私保护成为用户最关心的问题之一。",
        "{tech_company}与{tech_company2}达成战略合作，共同推进{tech_term}生态建设。",
        "工程师{person}介绍，团队花了{small}个月时间重写了底层存储引擎。",
        "这一技术可以将推理延迟降低到{ms}毫秒以内。",
        "目前，该功能已在部分用户中进行灰度测试，预计下个月全面上线。",
        "专家提醒，{tech_term}应用仍面临算力成本高、人才短缺等挑战。",
        "新一代数据中心采用液冷技术，能源使用效率（PUE）降至{pue}。",
        "自动驾驶测试车辆已在{city}累计行驶超过{num_wan}万公里。",
        "{tech_company}的研发人员占员工总数的{pct2}以上。",
        "该芯片集成了{num_yi}亿个晶体管，支持{tech_term}加速。",
        "据悉，相关应用上线首周下载量即突破{num_wan}万次。",
        "新款{product}支持快充功能，充电十五分钟即可使用一整天。",
        "为了降低训练成本，团队采用了混合精度训练和模型并行等技术。",
        "网络安全公司发布报告称，针对{product}的恶意软件数量明显上升。",
        "该平台目前已有{num_wan}万名注册开发者，上架应用超过{num_k}款。",
    ),
    "sports": (
        "在昨晚结束的{league}第{round}轮比赛中，{team}主场以{score}战胜{team2}。",
        "{player}在第{minute}分钟打入一球，帮助球队取得领先。",
        "下半场开始后，{team2}加强了进攻，但始终未能扳平比分。",
        "主教练{coach}赛后{say}：“球员们很好地执行了赛前的战术安排，这场胜利来之不易。”",
        "凭借这场胜利，{team}积分升至{points_s}分，暂列积分榜第{rank}位。",
        "{player}全场比赛贡献{pts}分、{reb}个篮板和{ast}次助攻。",
        "第三节{team}一度落后{small}分，但凭借快速反击将比分追回。",
        "本场比赛共吸引{num_k}名观众到场观战。",
        "{player2}因伤缺席了本场比赛，预计需要休养{small}周。",
        "在{city}举行的马拉松比赛中，{runner}以{hours}小时{mins}分的成绩夺得男子组冠军。",
        "中国乒乓球队在混合团体决赛中以3比{small3}击败对手，成功卫冕。",
        "{player}在女子单打比赛中连赢两局，顺利晋级八强。",
        "据悉，{team}正在与{player}商谈续约事宜。",
        "这是{team}本赛季取得的第{small}场连胜。",
        "{team2}门将{player2}多次做出精彩扑救，全场共完成{small}次扑救。",
        "双方在上半场均有破门良机，但都没能把握住。",
        "比赛第{minute}分钟，裁判通过视频助理裁判（VAR）回看后判罚点球。",
        "下一轮比赛，{team}将客场挑战{team2}。",
        "体育部门表示，将继续推动全民健身，建设更多社区运动场地。",
        "{player}打破了尘封{small}年的全国纪录，赛后激动地挥舞国旗。",
        "球迷们在看台上齐声高呼，为主队加油助威。",
        "{team}队长{player}赛后接受采访时说：“我们每一场都会全力以赴。”",
        "全场技术统计显示，{team}控球率达到{pct2}，射门{shots}次。",
        "本届{event_sport}共有来自{small}个国家和地区的{num_k}名运动员参赛。",
        "在男子100米决赛中，{runner}跑出了{sprint}秒的个人最好成绩。",
        "{coach}上任以来，球队的防守质量明显提升。",
        "补时阶段，{player2}的射门击中横梁弹出，{team2}错失扳平良机。",
        "俱乐部官方宣布，{player}将接受膝盖手术，本赛季剩余比赛恐将报销。",
        "年轻小将{player2}替补登场后表现活跃，送出一次关键助攻。",
        "赛后新闻发布会上，{coach}对裁判的几次判罚表示不满。",
    ),
}

ZH_GENERIC: tuple[str, ...] = (
    "值得注意的是，这一变化并非偶然。",
    "业内普遍认为，未来几年将是关键时期。",
    "对此，不少人表示期待。",
    "总的来看，整体形势稳中向好。",
    "与此同时，相关问题也引起了广泛关注。",
    "{person}对此持谨慎态度。",
    "具体情况还有待进一步观察。",
    "这一数字比去年同期增加了{pct}。",
    "记者注意到，类似情况在其他城市也有出现。",
    "有关方面表示，下一步将继续跟进。",
    "不过，也有人提出了不同看法。",
    "这背后的原因值得深思。",
)

# ---------------------------------------------------------------------------------------------
# English
# ---------------------------------------------------------------------------------------------

EN_TITLES: dict[str, tuple[str, ...]] = {
    "news": (
        "{city} unveils plan to {goal}",
        "Heavy rain disrupts travel across {region}",
        "{city} council approves {money_big} budget for {project}",
        "Residents react as {city} opens new {facility}",
        "What the {project} means for {district}",
    ),
    "finance": (
        "{fin_company} beats estimates as {quarter} profit jumps {pct}",
        "Stocks {moved} as investors weigh rate outlook",
        "Central bank holds rates at {rate}, signals patience",
        "{fin_company} shares slide after guidance cut",
        "Oil and gold climb as markets turn cautious",
    ),
    "tech": (
        "{tech_company} unveils new {product} with in-house {chip} chip",
        "{tech_company} open-sources its {oss_kind}",
        "Can {tech_term} live up to the hype?",
        "{tech_company} and {tech_company2} team up on {tech_term}",
        "Review: the {product} that finally fixes battery life",
    ),
    "sports": (
        "{team} beat {team2} {score} to stay in the hunt",
        "{player} double sinks {team2}",
        "{runner} breaks course record at {city} Marathon",
        "{team} confirm new contract for {player}",
        "Injury blow for {team} as {player2} ruled out",
    ),
}

EN_SENTENCES: dict[str, tuple[str, ...]] = {
    "news": (
        "City officials in {city} announced on {weekday} that the {project} would be completed "
        "by the end of {year}.",
        "The plan, which the council approved in a {votes}–{votes2} vote, has drawn mixed "
        "reactions from residents.",
        "“We have listened carefully to the community,” {said} {official_title} {person}, adding "
        "that more public meetings would follow.",
        "According to the {agency}, the project is expected to create about {num_k} jobs.",
        "Local business owners said the construction had already affected foot traffic in "
        "{district}.",
        "Police said no one was seriously injured in the incident, which happened shortly after "
        "{time}.",
        "The {agency} warned that heavy rain could continue through the weekend, with up to {mm} "
        "millimetres expected in some areas.",
        "Several schools in {city} were closed as a precaution.",
        "{person}, a retired teacher who has lived in the neighbourhood for {small2} years, said "
        "the changes were long overdue.",
        "The new {facility} will open to the public next month, with free admission during the "
        "first week.",
        "Officials estimate that more than {num_k} people attended the festival over three days.",
        "Critics argue that the money would be better spent on housing and public transport.",
        "A spokesperson for the mayor’s office declined to comment on the report.",
        "The investigation is ongoing, and authorities have asked witnesses to come forward.",
        "Turnout in the local election reached {pct}, the highest level in two decades.",
        "The new line, which opened on {weekday}, connects the airport with the city centre in "
        "under {small2} minutes.",
        "Volunteers spent the weekend cleaning up the riverbank near {landmark}.",
        "The report found that average rents in {city} rose by {pct} over the past year.",
        "Emergency services responded to more than {num_small} calls during the storm.",
        "The museum’s new exhibition features more than {num_small} objects, many of which have "
        "never been shown before.",
        "Hospital officials said waiting times had fallen since the new clinic opened.",
        "Residents can submit comments online until the end of {month}.",
        "The decision is expected to be reviewed again next year.",
        "The {agency} said services would return to normal by {weekday} morning.",
        "In a statement, the {agency} said it was “working closely with local partners” to "
        "resolve the issue.",
        "Organisers said this year’s event raised {money} for local charities.",
        "Firefighters brought the blaze under control within two hours.",
        "The council will hold a public consultation on the proposals in {month}.",
    ),
    "finance": (
        "{fin_company} reported {quarter} revenue of {money_big}, up {pct} from a year earlier.",
        "Net income came in at {money_big}, or {eps} per share, beating analyst estimates.",
        "Shares of {fin_company} rose {pct_small} in early trading on {weekday}.",
        "The {index} closed {updown} {pct_small} at {points}, while the {index2} {moved} "
        "{pct_small}.",
        "The central bank held its benchmark rate at {rate}, in line with market expectations.",
        "“Inflation is moving in the right direction, but the job is not yet done,” {analyst}, "
        "chief economist at {fin_company2}, {said}.",
        "Ten-year government bond yields fell to {yield_}, their lowest level since {month}.",
        "The euro slipped against the dollar to {fx}, while sterling traded at {fx_gbp}.",
        "Brent crude futures settled at {oil} a barrel after producers signalled they would keep "
        "output steady.",
        "Gold climbed to {gold} an ounce as investors sought safe-haven assets.",
        "The company raised its full-year guidance and announced a {money_big} share buyback.",
        "Analysts at {fin_company2} upgraded the stock to “buy” with a price target of {price}.",
        "Consumer prices rose {pct_small} in {month} compared with a year earlier, the "
        "statistics office said.",
        "Bond markets have priced in at least two rate cuts before the end of the year.",
        "The bank’s common equity tier 1 ratio stood at {pct}, comfortably above regulatory "
        "requirements.",
        "Operating margins narrowed to {pct} as costs for raw materials and wages increased.",
        "The fund has returned {pct} a year over the past five years, net of fees.",
        "Mortgage applications fell for a third consecutive week as borrowing costs remained "
        "elevated.",
        "Investors will be watching Friday’s employment report for signs of a slowing labour "
        "market.",
        "The merger, valued at about {money_big}, still requires approval from regulators in "
        "Europe and Asia.",
        "Trading volume was light ahead of the holiday weekend.",
        "Earnings per share are expected to grow by {pct} next year, according to consensus "
        "estimates.",
        "Credit card delinquencies ticked up slightly but remain below pre-pandemic levels.",
        "The company’s debt-to-equity ratio improved to {ratio} from {ratio2} a year ago.",
        "Small-cap stocks outperformed, with the benchmark small-cap index gaining {pct_small}.",
        "Dividend investors cheered the decision to raise the quarterly payout to {div} per "
        "share.",
        "The yield curve remains inverted, a pattern that has often preceded recessions.",
        "Hedge funds trimmed their exposure to technology shares during the quarter.",
    ),
    "tech": (
        "{tech_company} on {weekday} unveiled its latest {product}, powered by a new in-house "
        "{chip} chip.",
        "The company claims the device is {pct} faster than its predecessor while using {pct2} "
        "less power.",
        "The chip is built on a {nm}-nanometre process and packs roughly {num_bn} billion "
        "transistors.",
        "“This is the biggest leap we have made in a decade,” {said} {person}, the company’s "
        "chief technology officer.",
        "The update fixes {small} security vulnerabilities, including one that was being "
        "actively exploited.",
        "Developers can access the new features through an API, with pricing starting at "
        "{price_small} per million tokens.",
        "The open-source {oss_kind} has gained thousands of stars on GitHub since its release.",
        "According to {research}, global {product} shipments grew {pct} year over year in the "
        "{quarter} period.",
        "The model was trained on a cluster of {num_k} GPUs over several weeks.",
        "Researchers reported that the new {algo} method reduced error rates by {pct} on "
        "standard benchmarks.",
        "Privacy advocates have raised concerns about how the collected data will be stored and "
        "shared.",
        "The feature is rolling out gradually and will reach all users by {month}.",
        "{tech_company} said its cloud business now operates in {small2} regions worldwide.",
        "Latency dropped to under {ms} milliseconds after the team rewrote the storage engine.",
        "Battery life has been a sore point for reviewers, though the new model lasts up to "
        "{small2} hours on a single charge.",
        "The partnership with {tech_company2} aims to bring {tech_term} to small and "
        "medium-sized businesses.",
        "Regulators in Brussels are examining whether the app store rules comply with the "
        "Digital Markets Act.",
        "The startup raised {money_big} in a funding round led by {vc}.",
        "Engineers at the company migrated more than {num_small} services to Kubernetes over the "
        "past year.",
        "Data centres built for {tech_term} workloads increasingly rely on liquid cooling.",
        "The {product} goes on sale in {month} at a starting price of {retail_price}.",
        "Early benchmarks suggest the new GPU delivers roughly twice the throughput for "
        "inference.",
        "Critics note that the smartphone market has been largely flat for several years.",
        "Version {version} of the operating system introduces a redesigned settings menu and "
        "better accessibility options.",
        "Self-driving test vehicles have now logged more than {num_mn} million kilometres on "
        "public roads in {city}.",
        "The firmware update also adds support for faster Wi-Fi and improved Bluetooth pairing.",
        "Security researchers discovered the flaw during a routine audit of the code base.",
        "The app has been downloaded more than {num_mn} million times since launch.",
    ),
    "sports": (
        "{team} beat {team2} {score} on {weekday} night to move {rank_words} in the {league}.",
        "{player} opened the scoring in the {minute} minute with a curling shot from the edge of "
        "the box.",
        "The visitors pushed for an equaliser after the break, but {player2} was denied by the "
        "post.",
        "“The lads gave everything today,” {said} manager {coach}. “We showed real character in "
        "the second half.”",
        "{player} finished with {pts} points, {reb} rebounds and {ast} assists as {team} won "
        "{bball_score}.",
        "{team} trailed by {small} points at half-time before a fourth-quarter surge sealed the "
        "win.",
        "A crowd of {num_k} watched the match at {stadium}.",
        "{player2} is expected to miss the next {small} weeks with a hamstring injury.",
        "{runner} won the {city} Marathon in {hours}:{mins}:{secs}, breaking the course record.",
        "The defending champion needed just {small2} minutes to win her opening set "
        "{tennis_score}.",
        "It was {team}’s {nth} consecutive victory, the longest winning streak in the league "
        "this season.",
        "The referee awarded a penalty after a VAR review in the {minute} minute.",
        "{team} will travel to face {team2} next weekend.",
        "{runner} set a new national record of {sprint} seconds in the 100 metres.",
        "Fans sang throughout the second half as the home side held on for the victory.",
        "The club confirmed that contract talks with {player} are at an advanced stage.",
        "{team} had {pct_poss} of possession and {shots} shots, but managed only {small3} on "
        "target.",
        "The tournament features {num_small} athletes from {small2} countries.",
        "The two sides meet again in the cup semi-final in {month}.",
        "{player} served {small} aces and did not face a single break point.",
        "Both teams had chances in the first half, but neither could find the net.",
        "The captain lifted the trophy in front of a sell-out crowd.",
        "With {small} games remaining, {team} sit {small3} points clear at the top of the table.",
        "The league announced that the match would be replayed behind closed doors.",
        "Since {coach} took charge, the defence has conceded just {small3} goals in {small2} "
        "matches.",
        "{player2} came off the bench and set up the winner with his first touch.",
        "The goalkeeper made {small} saves to keep a clean sheet.",
        "Speaking after the game, {coach} criticised several of the referee’s decisions.",
    ),
}

EN_GENERIC: tuple[str, ...] = (
    "It remains to be seen whether the trend will continue.",
    "Observers say the coming months will be crucial.",
    "The figures represent an increase of {pct} on the same period last year.",
    "Not everyone is convinced, however.",
    "More details are expected to be released later this week.",
    "{person} said the situation was “more complicated than it looks.”",
    "The announcement came as a surprise to many.",
    "Similar moves have been seen elsewhere in recent years.",
    "The reasons behind the shift are still being debated.",
    "For now, the mood is one of cautious optimism.",
)

TITLES = {"zh": ZH_TITLES, "en": EN_TITLES}
SENTENCES = {"zh": ZH_SENTENCES, "en": EN_SENTENCES}
GENERIC = {"zh": ZH_GENERIC, "en": EN_GENERIC}
PROSE_DOMAINS = ("news", "finance", "tech", "sports")
GENERIC_SHARE = 0.12  # chance of a generic sentence before each domain sentence
ASIDE_SHARE = 0.3  # share of sentences borrowed from one other prose domain (a tech article
# quoting share prices, a news story about a match ...), so one sentence rarely decides the label


def sentence_stream(rng: random.Random, pool: tuple[str, ...], generic: tuple[str, ...],
                    aside: tuple[str, ...]) -> Iterator[str]:
    """Yield templates from `pool` in shuffled order (reshuffling when used up), mixed with
    generic sentences and sentences from the `aside` pool."""
    order = list(pool)
    while True:
        rng.shuffle(order)
        for template in order:
            if rng.random() < GENERIC_SHARE:
                yield generic[int(rng.random() * len(generic))]
            if rng.random() < ASIDE_SHARE:
                yield aside[int(rng.random() * len(aside))]
            else:
                yield template


def prose_doc(rng: random.Random, domain: str, lang: str) -> str:
    """A news-style article of a prose domain: an optional title and 2-6 paragraphs."""
    slots = Slots(rng, TABLES[lang])
    # At most about one pass over the domain's templates, so a document seldom repeats one.
    if lang == "zh":
        n_paras, lo, hi = rng.choice((3, 3, 4, 4, 5)), 3, 6
    else:
        n_paras, lo, hi = rng.choice((2, 2, 3, 3, 4)), 3, 6
    other = rng.choice([d for d in PROSE_DOMAINS if d != domain])
    stream = sentence_stream(rng, SENTENCES[lang][domain], GENERIC[lang], SENTENCES[lang][other])
    joiner = "" if lang == "zh" else " "
    parts = [
        joiner.join(fill(next(stream), rng, slots) for _ in range(rng.randint(lo, hi)))
        for _ in range(n_paras)
    ]
    if rng.random() < 0.7:
        parts.insert(0, fill(rng.choice(TITLES[lang][domain]), rng, slots))
    return "\n\n".join(parts)
