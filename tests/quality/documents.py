"""Hand-made documents for the quality dimensions, in English and Chinese: a clean
informative paragraph, the same text with its lines repeated, keyword soup, and a page's
boilerplate (navigation, share links, footer)."""

from __future__ import annotations

EN_CLEAN = (
    "The city council approved a plan on Tuesday to extend the northern tram line by four "
    "kilometres, adding six stops between the railway station and the new hospital. "
    "Construction is expected to begin next spring and to take about two years. "
    "The project will cost 140 million pounds, most of it paid by a regional transport grant, "
    "and officials say the trams will carry around nine thousand passengers a day. "
    "Residents along the route raised concerns about noise during the works, so the "
    "contractor has agreed to avoid night shifts near schools and homes."
)
EN_REPEATED = "\n".join([EN_CLEAN] * 4)
EN_SOUP = (
    "cheap flights cheap hotels best price cheap flights book now cheap deals hotel deals "
    "best hotels cheap flights discount flights cheap hotels best price book now cheap "
    "flights last minute deals cheap hotels discount hotels best deals cheap flights book "
    "now cheap cheap flights best price hotels deals"
)
EN_BOILERPLATE = "\n".join([
    "Home | News | Sport | Business | Weather | Contact us",
    "Share on Facebook | Share on Twitter | Share by email",
    "Read more",
    "Sign in | Subscribe to our newsletter",
    "Follow us on Facebook | Follow us on Twitter",
    "Copyright 2024 Example Media. All rights reserved.",
    "Privacy policy | Cookie policy | Terms of use",
])

ZH_CLEAN = (
    "市政府周二批准了一项计划，将北部有轨电车线路延长四公里，在火车站和新医院之间增设六个站点。"
    "工程预计明年春天开工，工期约两年。该项目总投资一亿四千万元，大部分资金来自地区交通补贴，"
    "官员表示，电车每天将运送约九千名乘客。沿线居民对施工期间的噪音表示担忧，"
    "因此承包商同意在学校和住宅附近不安排夜间施工。"
)
ZH_REPEATED = "\n".join([ZH_CLEAN] * 4)
ZH_SOUP = (
    "便宜机票 特价酒店 最低价格 便宜机票 立即预订 特价机票 酒店优惠 便宜酒店 特价机票 便宜机票 "
    "最低价格 立即预订 便宜机票 特价酒店 酒店优惠 便宜机票 立即预订 特价机票 便宜酒店 最低价格 "
    "便宜机票 特价酒店 立即预订 便宜机票"
)
ZH_BOILERPLATE = "\n".join([
    "首页 | 新闻 | 体育 | 财经 | 天气 | 联系我们",
    "分享到：微信 | 微博 | QQ空间",
    "阅读全文",
    "登录 | 注册 | 订阅我们的新闻",
    "关注我们：微信公众号 | 官方微博",
    "版权所有 © 2024 示例传媒 保留所有权利",
    "隐私政策 | 使用条款 | 网站地图",
])

# (better, worse) pairs every dimension must order, per language.
ORDERINGS = {
    "en": [(EN_CLEAN, EN_REPEATED), (EN_REPEATED, EN_SOUP), (EN_CLEAN, EN_BOILERPLATE)],
    "zh": [(ZH_CLEAN, ZH_REPEATED), (ZH_REPEATED, ZH_SOUP), (ZH_CLEAN, ZH_BOILERPLATE)],
}
