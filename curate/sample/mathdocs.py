"""Math documents: short lessons with worked examples whose numbers are drawn at random.

Every example is actually solved (the answers are right), written in plain text with a little
LaTeX-style notation, in Chinese or English.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from fractions import Fraction
from math import isqrt

from curate.sample.lexicon import TABLES, Slots, fill

Example = Callable[[random.Random, str], tuple[str, list[str], str]]


def poly(coeffs: list[int], var: str = "x") -> str:
    """Format integer polynomial coefficients (highest degree first): [1, -5, 6] -> x^2 - 5x + 6."""
    degree = len(coeffs) - 1
    out = ""
    for i, c in enumerate(coeffs):
        if c == 0:
            continue
        power = degree - i
        size = abs(c)
        if power == 0:
            body = str(size)
        else:
            body = ("" if size == 1 else str(size)) + (var if power == 1 else f"{var}^{power}")
        if not out:
            out = ("-" if c < 0 else "") + body
        else:
            out += (" - " if c < 0 else " + ") + body
    return out or "0"


def par(n: int | Fraction) -> str:
    """A number in parentheses when negative, for substitution: 3 -> 3, -3 -> (-3)."""
    return f"({n})" if n < 0 else str(n)


def frac(value: Fraction) -> str:
    """A fraction as plain text: 3/8, or an integer when the denominator is 1."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


def linear(rng: random.Random, lang: str) -> tuple[str, list[str], str]:
    """ax + b = c with an integer solution."""
    a, x, b = rng.randint(2, 9), rng.randint(-10, 15), rng.choice([*range(-20, 0), *range(1, 21)])
    c = a * x + b
    eq = f"{poly([a, b])} = {c}"
    if lang == "zh":
        return (f"解方程 {eq}。", [
            f"移项，得 {a}x = {c} - {par(b)} = {c - b}；",
            f"两边同时除以 {a}，得 x = {x}。",
            f"检验：把 x = {x} 代入原方程，左边 = {a} × {par(x)} + {par(b)} = {c} = 右边。",
        ], f"方程的解为 x = {x}。")
    return (f"Solve {eq}.", [
        f"Subtract {par(b)} from both sides: {a}x = {c - b}.",
        f"Divide both sides by {a}: x = {x}.",
        f"Check: {a} × {par(x)} + {par(b)} = {c}, as required.",
    ], f"x = {x}.")


def quadratic(rng: random.Random, lang: str) -> tuple[str, list[str], str]:
    """x^2 + bx + c = 0 with integer roots, solved by the discriminant and by factoring."""
    r1, r2 = sorted(rng.sample(range(-9, 10), 2))
    b, c = -(r1 + r2), r1 * r2
    eq = f"{poly([1, b, c])} = 0"
    disc = b * b - 4 * c
    factors = f"({poly([1, -r1])})({poly([1, -r2])})"
    formula = r"$x = \frac{-b \pm \sqrt{\Delta}}{2a}$"
    if lang == "zh":
        return (f"解方程 {eq}。", [
            f"这里 a = 1，b = {b}，c = {c}，",
            f"判别式 Δ = b^2 - 4ac = {b * b} - {par(4 * c)} = {disc} > 0，",
            "所以方程有两个不相等的实数根。",
            f"由求根公式 {formula}，得 x = ({-b} ± {isqrt(disc)}) / 2。",
            f"也可以因式分解：{factors} = 0。",
        ], f"x_1 = {r1}，x_2 = {r2}。")
    return (f"Solve {eq}.", [
        f"Here a = 1, b = {b}, c = {c}, so the discriminant is Δ = b^2 - 4ac = {disc} > 0 "
        "and there are two distinct real roots.",
        f"Using {formula}, x = ({-b} ± {isqrt(disc)}) / 2.",
        f"Equivalently, the left-hand side factors as {factors} = 0.",
    ], f"x_1 = {r1} and x_2 = {r2}.")


def arithmetic(rng: random.Random, lang: str) -> tuple[str, list[str], str]:
    """Nth term and partial sum of an arithmetic sequence."""
    a1, d, n = rng.randint(1, 20), rng.randint(1, 9), rng.randint(10, 50)
    an = a1 + (n - 1) * d
    total = n * (a1 + an) // 2
    if lang == "zh":
        question = (f"已知等差数列 {{a_n}} 的首项 a_1 = {a1}，公差 d = {d}，"
                    f"求 a_{n} 及前 {n} 项和 S_{n}。")
        return (question, [
            f"由通项公式 a_n = a_1 + (n - 1)d，得 a_{n} = {a1} + {n - 1} × {d} = {an}；",
            r"由求和公式 $S_n = \frac{n(a_1 + a_n)}{2}$，"
            f"得 S_{n} = {n} × ({a1} + {an}) / 2 = {total}。",
        ], f"a_{n} = {an}，S_{n} = {total}。")
    return (f"An arithmetic sequence has a_1 = {a1} and common difference d = {d}. "
            f"Find a_{n} and the sum of the first {n} terms.", [
        f"The general term is a_n = a_1 + (n - 1)d, so a_{n} = {a1} + {n - 1} × {d} = {an}.",
        rf"The sum is $S_n = \frac{{n(a_1 + a_n)}}{{2}}$ = {n} × ({a1} + {an}) / 2 = {total}.",
    ], f"a_{n} = {an} and S_{n} = {total}.")


def pythagoras(rng: random.Random, lang: str) -> tuple[str, list[str], str]:
    """Hypotenuse of a right triangle with integer sides."""
    a, b, c = rng.choice(((3, 4, 5), (5, 12, 13), (8, 15, 17), (7, 24, 25), (20, 21, 29)))
    k = rng.randint(1, 4)
    a, b, c = a * k, b * k, c * k
    if lang == "zh":
        return (f"直角三角形的两条直角边分别为 {a} cm 和 {b} cm，求斜边的长。", [
            "设斜边长为 c，由勾股定理 c^2 = a^2 + b^2，",
            f"得 c^2 = {a}^2 + {b}^2 = {a * a} + {b * b} = {c * c}，",
            f"所以 c = √{c * c} = {c}（cm）。",
        ], f"斜边长为 {c} cm。")
    return (f"The legs of a right triangle are {a} cm and {b} cm. How long is the hypotenuse?", [
        "By the Pythagorean theorem, c^2 = a^2 + b^2.",
        f"So c^2 = {a}^2 + {b}^2 = {a * a} + {b * b} = {c * c}, and c = √{c * c} = {c}.",
    ], f"The hypotenuse is {c} cm.")


def probability(rng: random.Random, lang: str) -> tuple[str, list[str], str]:
    """Probability with a bag of balls or two dice."""
    if rng.random() < 0.5:
        red, blue = rng.randint(2, 9), rng.randint(2, 9)
        p = Fraction(red, red + blue)
        if lang == "zh":
            return (f"袋中有 {red} 个红球和 {blue} 个蓝球，它们除颜色外完全相同。"
                    "从中随机摸出一个球，求摸到红球的概率。", [
                f"袋中共有 {red} + {blue} = {red + blue} 个球，每个球被摸到的可能性相同，",
                f"其中红球有 {red} 个，所以 P(红球) = {red}/{red + blue} = {frac(p)}。",
            ], f"摸到红球的概率是 {frac(p)}。")
        return (f"A bag holds {red} red and {blue} blue balls. One ball is drawn at random. "
                "What is the probability that it is red?", [
            f"There are {red + blue} equally likely outcomes, {red} of which are red.",
            f"So P(red) = {red}/{red + blue} = {frac(p)}.",
        ], f"P(red) = {frac(p)}.")
    s = rng.randint(3, 11)
    ways = 6 - abs(s - 7)
    p = Fraction(ways, 36)
    if lang == "zh":
        return (f"同时掷两枚质地均匀的骰子，求点数之和为 {s} 的概率。", [
            "两枚骰子共有 6 × 6 = 36 种等可能的结果，",
            f"点数之和为 {s} 的结果有 {ways} 种，",
            f"所以 P = {ways}/36 = {frac(p)}。",
        ], f"所求概率为 {frac(p)}。")
    return (f"Two fair dice are rolled. What is the probability that the total is {s}?", [
        "There are 6 × 6 = 36 equally likely outcomes.",
        f"Exactly {ways} of them give a total of {s}, so P = {ways}/36 = {frac(p)}.",
    ], f"The probability is {frac(p)}.")


def derivative(rng: random.Random, lang: str) -> tuple[str, list[str], str]:
    """Derivative of a cubic and its value at a point."""
    a, b, c, d = (rng.randint(-6, 6) or 1 for _ in range(4))
    x0 = rng.randint(-3, 3)
    deriv = [3 * a, 2 * b, c]
    value = 3 * a * x0 * x0 + 2 * b * x0 + c
    f, fp = poly([a, b, c, d]), poly(deriv)
    if lang == "zh":
        return (f"已知函数 f(x) = {f}，求 f'(x) 及 f'({x0})。", [
            "根据幂函数的求导法则 (x^n)' = n·x^(n-1)，逐项求导，",
            f"得 f'(x) = {fp}。",
            f"把 x = {x0} 代入，f'({x0}) = {value}。",
        ], f"f'(x) = {fp}，f'({x0}) = {value}。")
    return (f"Let f(x) = {f}. Find f'(x) and f'({x0}).", [
        "Differentiate term by term using the power rule (x^n)' = n·x^(n-1).",
        f"This gives f'(x) = {fp}.",
        f"Substituting x = {x0} gives f'({x0}) = {value}.",
    ], f"f'(x) = {fp}, f'({x0}) = {value}.")


def system(rng: random.Random, lang: str) -> tuple[str, list[str], str]:
    """A 2x2 linear system solved by elimination."""
    x, y = rng.randint(-8, 12), rng.randint(-8, 12)
    s, d = x + y, x - y
    if lang == "zh":
        return (f"解方程组：x + y = {s}，x - y = {d}。", [
            f"两式相加，得 2x = {s + d}，所以 x = {x}；",
            f"把 x = {x} 代入第一个方程，得 y = {s} - {par(x)} = {y}。",
        ], f"方程组的解为 x = {x}，y = {y}。")
    return (f"Solve the system x + y = {s}, x - y = {d}.", [
        f"Adding the two equations gives 2x = {s + d}, so x = {x}.",
        f"Substituting into the first equation, y = {s} - {par(x)} = {y}.",
    ], f"x = {x}, y = {y}.")


def discount(rng: random.Random, lang: str) -> tuple[str, list[str], str]:
    """Percentage and discount word problem."""
    price = rng.randint(8, 60) * 10
    tenths = rng.choice((6, 7, 8, 9))
    sale = Fraction(price * tenths, 10)
    saved = price - sale
    if lang == "zh":
        return (f"一件商品原价 {price} 元，现在打{tenths}折出售，现价是多少元？便宜了多少元？", [
            f"打{tenths}折就是按原价的 {tenths * 10}% 出售，",
            f"现价 = {price} × {tenths * 10}% = {frac(sale)}（元），",
            f"便宜了 {price} - {frac(sale)} = {frac(saved)}（元）。",
        ], f"现价 {frac(sale)} 元，便宜了 {frac(saved)} 元。")
    off = 100 - tenths * 10
    return (f"A jacket costs ${price}. It is on sale at {off}% off. What is the sale price?", [
        f"{off}% off means paying {100 - off}% of the original price.",
        f"Sale price = {price} × {100 - off}/100 = {frac(sale)}.",
        f"The discount is {price} - {frac(sale)} = {frac(saved)}.",
    ], f"The sale price is ${frac(sale)}.")


def area(rng: random.Random, lang: str) -> tuple[str, list[str], str]:
    """Area of a triangle or a circle."""
    if rng.random() < 0.5:
        base, height = rng.randint(3, 30), rng.randint(2, 20)
        value = frac(Fraction(base * height, 2))
        if lang == "zh":
            return (f"一个三角形的底是 {base} 米，高是 {height} 米，它的面积是多少平方米？", [
                "三角形面积 S = 底 × 高 ÷ 2，",
                f"所以 S = {base} × {height} ÷ 2 = {value}（平方米）。",
            ], f"面积是 {value} 平方米。")
        return (f"A triangle has base {base} m and height {height} m. Find its area.", [
            "The area of a triangle is S = (1/2) × base × height.",
            f"S = (1/2) × {base} × {height} = {value}.",
        ], f"The area is {value} m^2.")
    r = rng.randint(2, 15)
    value = f"{3.14 * r * r:.2f}"
    if lang == "zh":
        return (f"一个圆的半径是 {r} 厘米，求它的面积（π 取 3.14）。", [
            "圆的面积公式为 S = πr^2，",
            f"所以 S = 3.14 × {r}^2 = 3.14 × {r * r} = {value}（平方厘米）。",
        ], f"圆的面积是 {value} 平方厘米。")
    return (f"Find the area of a circle of radius {r} cm (use π ≈ 3.14).", [
        r"The area of a circle is $S = \pi r^2$.",
        f"S ≈ 3.14 × {r}^2 = 3.14 × {r * r} = {value}.",
    ], f"The area is about {value} cm^2.")


def inequality(rng: random.Random, lang: str) -> tuple[str, list[str], str]:
    """ax + b > c (or <) with an integer boundary, minding the sign flip for a < 0."""
    a = rng.choice([*range(-6, -1), *range(2, 8)])
    x, b = rng.randint(-8, 10), rng.randint(-15, 15)
    c = a * x + b
    op = rng.choice((">", "<", "≥", "≤"))
    flip = {">": "<", "<": ">", "≥": "≤", "≤": "≥"}
    final = flip[op] if a < 0 else op
    ineq = f"{poly([a, b])} {op} {c}"
    if lang == "zh":
        note = ("注意两边同时除以负数，不等号方向要改变" if a < 0
                else "两边同时除以正数，不等号方向不变")
        return (f"解不等式 {ineq}，并把解集表示在数轴上。", [
            f"移项，得 {a}x {op} {c} - {par(b)}，即 {a}x {op} {c - b}；",
            f"{note}，得 x {final} {x}。",
        ], f"不等式的解集为 x {final} {x}。")
    note = ("Dividing by a negative number reverses the inequality" if a < 0
            else "Dividing by a positive number keeps the direction")
    return (f"Solve {ineq}.", [
        f"Subtract {par(b)} from both sides: {a}x {op} {c - b}.",
        f"{note}, so x {final} {x}.",
    ], f"x {final} {x}.")


def line_through(rng: random.Random, lang: str) -> tuple[str, list[str], str]:
    """The linear function through two points with integer slope and intercept."""
    k = rng.choice([*range(-5, 0), *range(1, 6)])
    b = rng.randint(-9, 9)
    x1, x2 = sorted(rng.sample(range(-5, 8), 2))
    y1, y2 = k * x1 + b, k * x2 + b
    line = f"y = {poly([k, b])}"
    if lang == "zh":
        return (f"已知一次函数的图像经过点 A({x1}, {y1}) 和 B({x2}, {y2})，求这个函数的解析式。", [
            "设函数解析式为 y = kx + b，",
            f"斜率 k = ({y2} - {par(y1)}) / ({x2} - {par(x1)}) = {y2 - y1}/{x2 - x1} = {k}；",
            f"把点 A 的坐标代入，得 {y1} = {k} × {par(x1)} + b，所以 b = {b}。",
        ], f"函数的解析式为 {line}。")
    return (f"A straight line passes through A({x1}, {y1}) and B({x2}, {y2}). "
            "Find its equation.", [
        f"The slope is k = ({y2} - {par(y1)}) / ({x2} - {par(x1)}) = {k}.",
        f"Substituting A into y = kx + b gives {y1} = {k} × {par(x1)} + b, so b = {b}.",
    ], f"The line is {line}.")


def statistics(rng: random.Random, lang: str) -> tuple[str, list[str], str]:
    """Mean, median and range of a small data set."""
    data = [rng.randint(50, 100) for _ in range(rng.choice((5, 6, 7, 8)))]
    ordered = sorted(data)
    n = len(data)
    mean = Fraction(sum(data), n)
    mid = n // 2
    median = Fraction(ordered[mid]) if n % 2 else Fraction(ordered[mid - 1] + ordered[mid], 2)
    exact = mean.denominator == 1
    mean_s = frac(mean) if exact else f"{float(mean):.2f}"
    approx = "=" if exact else "≈"
    median_s = frac(median) if median.denominator == 1 else f"{float(median):.1f}"
    listed = ", ".join(map(str, data))
    if lang == "zh":
        spread = ordered[-1] - ordered[0]
        return (f"某小组 {n} 名同学的数学成绩分别为：{listed}。"
                "求这组数据的平均数、中位数和极差。", [
            f"平均数 = ({' + '.join(map(str, data))}) ÷ {n} = {sum(data)} ÷ {n} "
            f"{approx} {mean_s}；",
            f"把数据从小到大排列：{', '.join(map(str, ordered))}，中位数是 {median_s}；",
            f"极差 = {ordered[-1]} - {ordered[0]} = {ordered[-1] - ordered[0]}。",
        ], f"平均数{'为' if exact else '约为'} {mean_s}，中位数为 {median_s}，极差为 {spread}。")
    return (f"The test scores of {n} students are {listed}. Find the mean, the median and the "
            "range.", [
        f"Mean = {sum(data)} / {n} {approx} {mean_s}.",
        f"Sorted: {', '.join(map(str, ordered))}, so the median is {median_s}.",
        f"Range = {ordered[-1]} - {ordered[0]} = {ordered[-1] - ordered[0]}.",
    ], f"mean {approx} {mean_s}, median = {median_s}, range = {ordered[-1] - ordered[0]}.")


# topic -> (zh name, en name, example generators)
TOPICS: dict[str, tuple[str, str, tuple[Example, ...]]] = {
    "linear": ("一元一次方程", "linear equations", (linear, system)),
    "quadratic": ("一元二次方程", "quadratic equations", (quadratic,)),
    "sequence": ("等差数列", "arithmetic sequences", (arithmetic,)),
    "geometry": ("勾股定理与面积", "the Pythagorean theorem and areas", (pythagoras, area)),
    "probability": ("古典概型", "basic probability", (probability,)),
    "calculus": ("导数的计算", "derivatives", (derivative,)),
    "percent": ("百分数应用题", "percentages", (discount,)),
    "inequality": ("一元一次不等式", "linear inequalities", (inequality,)),
    "function": ("一次函数", "linear functions", (line_through,)),
    "statistics": ("平均数、中位数与极差", "mean, median and range", (statistics,)),
}

ZH_TITLES = ("{topic}专题复习", "{topic}典型例题解析", "{topic}：从基础到提高", "一文搞懂{topic}",
             "[初二|初三|高一]数学：{topic}[练习|讲义]")
EN_TITLES = ("Revision notes: {topic}", "Worked examples: {topic}", "A short guide to {topic}",
             "[Year 9|Year 10|Grade 8] maths — {topic}")

ZH_INTRO = (
    "本节我们[复习|学习|梳理]{topic}的基本方法。",
    "{topic}是中学数学的重要内容，也是[考试|中考|期末考试]中的常考点。",
    "在解决这类问题时，首先要明确已知条件和所求的量。",
    "下面通过几道[例题|典型例题]来说明解题思路。",
    "很多同学觉得{topic}比较抽象，其实只要掌握了基本公式，问题就会迎刃而解。",
    "为了方便理解，我们先回顾一下相关的定义和公式。",
    "学习{topic}时，要注意把文字条件转化为数学式子。",
    "[上一节|前面]我们学习了基本概念，[这一节|今天]重点讲解题方法。",
    "做题之前，[建议|不妨]先画一个草图或者列一个表格，把条件整理清楚。",
    "[老师|很多老师]常说，数学[重在理解|不能死记硬背]，{topic}也不例外。",
)
ZH_OUTRO = (
    "解题时要注意检验所得结果是否符合题意。",
    "小结：熟练掌握公式并灵活运用，是解决此类问题的关键。",
    "练习：请读者仿照上面的方法，自行完成课后习题第{small}题。",
    "很多同学在这一步容易出错，需要特别留意正负号。",
    "由此可见，合理地设未知数能够大大简化计算。",
    "如果计算结果不是整数，也不要慌张，可以先检查每一步的运算。",
    "建议把常用公式整理在[笔记本|错题本]上，考试前再复习一遍。",
    "[课后|回家后]请完成练习册第{small}页的[题目|习题]。",
    "[思考|拓展]：如果把题目中的条件稍作改变，答案会怎样变化？",
    "掌握了这些方法，再遇到类似的[题目|应用题]就不会无从下手了。",
)
EN_INTRO = (
    "In this section we [review|revisit|practise] {topic}.",
    "{Topic} come up again and again in exams, so they are worth practising carefully.",
    "Before solving, write down what is given and what we are asked to find.",
    "Let us work through a few [examples|typical problems].",
    "The key idea is simple once the basic formula is clear.",
    "First we recall the definitions we will need.",
    "[Last time|In the previous lesson] we covered the basic ideas; [today|now] we focus on "
    "technique.",
    "A quick sketch or a small table often makes the problem much clearer.",
    "[Many students|Most people] find this topic easier once they see a few solved examples.",
)
EN_OUTRO = (
    "Always check that the answer satisfies the original conditions.",
    "Summary: remember the key formula and apply it step by step.",
    "Exercise: try problem {small} at the end of the chapter using the same method.",
    "A common mistake at this step is to drop a minus sign.",
    "This shows how a good choice of variables can simplify the calculation.",
    "If the numbers look messy, go back and check each step of the arithmetic.",
    "[Homework|For practice]: complete exercises {small} to {small2} in the workbook.",
    "[Challenge|Think about it]: how would the answer change if one of the numbers were doubled?",
    "With these methods in hand, similar [problems|word problems] become routine.",
)


def math_doc(rng: random.Random, lang: str) -> str:
    """A short math lesson: title, introduction, 1-3 worked examples, and a closing remark."""
    zh = lang == "zh"
    key = rng.choice(tuple(TOPICS))
    zh_name, en_name, examples = TOPICS[key]
    slots = Slots(rng, TABLES[lang])
    slots.update(topic=zh_name if zh else en_name, Topic=en_name[:1].upper() + en_name[1:])
    joiner = "" if zh else " "

    parts = []
    if rng.random() < 0.6:
        parts.append(fill(rng.choice(ZH_TITLES if zh else EN_TITLES), rng, slots))
    intro = rng.sample(ZH_INTRO if zh else EN_INTRO, rng.randint(2, 4))
    parts.append(joiner.join(fill(s, rng, slots) for s in intro))
    # One example of the lesson's topic, then (for a review sheet) examples of other topics:
    # several examples of one template would read as repetition to the Gopher rules.
    others = [g for name, (_, _, gens) in TOPICS.items() if name != key for g in gens]
    generators = [rng.choice(examples), *rng.sample(others, rng.randint(0, 2))]
    for k, generator in enumerate(generators, start=1):
        question, steps, answer = generator(rng, lang)
        if zh:
            lines = [f"例{k}：{question}", "解：" + steps[0], *steps[1:], "答：" + answer]
            parts.append("\n".join(lines))
        else:
            parts.append("\n".join([f"Example {k}. {question}", "Solution. " + steps[0], *steps[1:],
                                    "Answer: " + answer]))
    outro = rng.sample(ZH_OUTRO if zh else EN_OUTRO, rng.randint(2, 3))
    parts.append(joiner.join(fill(s, rng, slots) for s in outro))
    return "\n\n".join(parts)
