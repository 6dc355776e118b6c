"""Code documents: a short explanation in Chinese or English around a Python, JS or SQL snippet.

Snippets are `string.Template`s (so the braces of the code need no escaping); identifiers and
literals are drawn from small tables, comments are written in the document's language.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from string import Template

from curate.sample.lexicon import TABLES, Slots, fill


@dataclass(frozen=True)
class Snippet:
    """One code example with its slot values and the prose that explains it."""

    language: str  # fence name: python, javascript, sql
    code: Template
    task: tuple[str, str]  # (zh, en) what the code does, as a verb phrase
    explain: tuple[tuple[str, ...], tuple[str, ...]]  # (zh, en) sentences about this code
    comment: tuple[str, str]  # (zh, en) comment text placed in the code as $c1
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    complexity: str = "O(n)"


SNIPPETS: tuple[Snippet, ...] = (
    Snippet(
        "python",
        Template('''import csv
from collections import defaultdict


def ${func}(path):
    # ${c1}
    totals = defaultdict(float)
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            totals[row["${key}"]] += float(row["${val}"])
    return dict(totals)


if __name__ == "__main__":
    print(${func}("${file}.csv"))'''),
        ("按某一列对 CSV 文件中的数据进行分组汇总",
         "aggregate the rows of a CSV file by one column"),
        (("这里用 csv.DictReader 逐行读取文件，每一行都是一个字典。",
          "defaultdict(float) 省去了判断键是否存在的麻烦。",
          "如果文件很大，这种逐行处理的方式也不会占用太多内存。"),
         ("csv.DictReader yields each row as a dictionary keyed by the header.",
          "Using defaultdict(float) means we never have to check whether a key exists.",
          "Because the file is processed line by line, memory use stays small even for big "
          "files.")),
        ("按分组键累加数值列", "sum the value column per group key"),
        {"func": ("sum_by_key", "total_by_group", "aggregate_csv", "group_totals"),
         "key": ("region", "category", "customer_id", "month"),
         "val": ("amount", "price", "quantity", "revenue"),
         "file": ("sales", "orders", "transactions", "report")},
    ),
    Snippet(
        "python",
        Template('''def ${func}(${arr}, target):
    # ${c1}
    lo, hi = 0, len(${arr}) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if ${arr}[mid] == target:
            return mid
        if ${arr}[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1


print(${func}([${nums}], ${target}))'''),
        ("在有序列表中进行二分查找", "run a binary search over a sorted list"),
        (("每次循环都把搜索区间缩小一半，所以速度很快。",
          "注意循环条件是 lo <= hi，写成 lo < hi 会漏掉最后一个元素。",
          "如果列表没有排序，二分查找的结果是不可靠的。"),
         ("Each iteration halves the search interval, which is why it is so fast.",
          "Note the loop condition lo <= hi; writing lo < hi would skip the last candidate.",
          "The list must already be sorted, otherwise the result is meaningless.")),
        ("在有序列表中查找目标值，找不到时返回 -1", "return the index of target, or -1 if absent"),
        {"func": ("binary_search", "find_index", "bsearch", "search_sorted"),
         "arr": ("nums", "values", "arr", "scores"),
         "nums": ("1, 3, 5, 7, 9, 11", "2, 4, 8, 16, 32, 64", "10, 20, 30, 40, 50"),
         "target": ("7", "16", "40", "3")},
        "O(log n)",
    ),
    Snippet(
        "python",
        Template('''def ${func}(${items}):
    # ${c1}
    seen = set()
    result = []
    for item in ${items}:
        if item not in seen:
            seen.add(item)
            result.append(item)
    return result


print(${func}([${nums}]))'''),
        ("对列表去重并保持原有顺序", "remove duplicates from a list while keeping the order"),
        (("直接使用 set() 虽然也能去重，但会打乱元素的顺序。",
          "集合的成员判断是常数时间，因此整体仍然是线性复杂度。",
          "在 Python 3.7 之后，也可以写成 list(dict.fromkeys(items))。"),
         ("Calling set() directly would also remove duplicates, but it loses the order.",
          "Membership tests on a set take constant time, so the whole function stays linear.",
          "Since Python 3.7 the one-liner list(dict.fromkeys(items)) does the same thing.")),
        ("保留第一次出现的元素", "keep the first occurrence of each element"),
        {"func": ("dedupe", "unique_in_order", "remove_duplicates", "distinct"),
         "items": ("items", "values", "names", "records"),
         "nums": ("3, 1, 3, 2, 1", "5, 5, 4, 5, 6", "1, 2, 2, 3, 3, 3")},
    ),
    Snippet(
        "python",
        Template('''from dataclasses import dataclass


@dataclass
class ${cls}:
    name: str
    ${field}: float
    quantity: int = 1

    def total(self) -> float:
        # ${c1}
        return self.${field} * self.quantity


items = [${cls}("${n1}", ${p1}), ${cls}("${n2}", ${p2}, ${q2})]
print(sum(item.total() for item in items))'''),
        ("用数据类描述一条业务记录", "describe a business record with a dataclass"),
        (("@dataclass 装饰器会自动生成 __init__ 和 __repr__ 方法。",
          "quantity 字段有默认值，所以必须放在没有默认值的字段后面。",
          "如果希望对象不可修改，可以写成 @dataclass(frozen=True)。"),
         ("The @dataclass decorator generates __init__ and __repr__ for us.",
          "The quantity field has a default value, so it must come after the fields without one.",
          "Pass frozen=True to the decorator if the objects should be immutable.")),
        ("计算单价乘以数量", "price times quantity"),
        {"cls": ("LineItem", "Product", "OrderLine", "CartItem"),
         "field": ("price", "unit_price", "cost"),
         "n1": ("pen", "notebook", "coffee", "cable"), "n2": ("lamp", "chair", "bag", "mouse"),
         "p1": ("1.5", "3.2", "4.99", "12.0"), "p2": ("19.9", "45.0", "29.5"),
         "q2": ("2", "3", "4")},
        "O(1)",
    ),
    Snippet(
        "python",
        Template('''import functools
import time


def retry(times=${times}, delay=${delay}):
    # ${c1}
    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            for attempt in range(1, times + 1):
                try:
                    return func(*args, **kwargs)
                except ${exc} as exc:
                    if attempt == times:
                        raise
                    print(f"attempt {attempt} failed: {exc}")
                    time.sleep(delay)
        return wrapper
    return decorator'''),
        ("为不稳定的网络请求加上自动重试", "retry a flaky network call automatically"),
        (("functools.wraps 可以保留被装饰函数的名字和文档字符串。",
          "最后一次仍然失败时，异常会被重新抛出，调用方可以自行处理。",
          "实际项目中，重试间隔通常会采用指数退避的策略。"),
         ("functools.wraps keeps the name and docstring of the decorated function.",
          "If the last attempt fails too, the exception is re-raised to the caller.",
          "In real projects the delay usually grows exponentially between attempts.")),
        ("失败后等待一段时间再重试", "wait and try again after a failure"),
        {"times": ("3", "5"), "delay": ("0.5", "1.0", "2"),
         "exc": ("ConnectionError", "TimeoutError", "OSError")},
        "O(times)",
    ),
    Snippet(
        "python",
        Template('''import re
from collections import Counter


def ${func}(text, top=${top}):
    # ${c1}
    words = re.findall(r"[a-z']+", text.lower())
    return Counter(words).most_common(top)


print(${func}("the cat and the hat and the bat"))'''),
        ("统计一段英文文本中出现最多的单词", "count the most frequent words in a text"),
        (("正则表达式负责把文本切分成单词，并顺便去掉标点符号。",
          "Counter.most_common 会按出现次数从高到低返回结果。",
          "处理中文时需要先分词，例如使用 jieba 库。"),
         ("The regular expression splits the text into words and drops punctuation.",
          "Counter.most_common returns the words sorted by count, highest first.",
          "For Chinese text you would need a word segmenter such as jieba first.")),
        ("返回出现次数最多的单词", "return the most common words"),
        {"func": ("top_words", "word_freq", "most_common_words"), "top": ("3", "5", "10")},
    ),
    Snippet(
        "javascript",
        Template('''function debounce(fn, wait = ${wait}) {
  // ${c1}
  let timer = null;
  return function (...args) {
    clearTimeout(timer);
    timer = setTimeout(() => fn.apply(this, args), wait);
  };
}

const ${handler} = debounce(() => {
  console.log("${msg}");
}, ${wait});
window.addEventListener("${event}", ${handler});'''),
        ("给频繁触发的浏览器事件做防抖处理", "debounce a browser event that fires too often"),
        (("每次触发事件时都会清除上一次的定时器，只有停止触发后才真正执行。",
          "这种写法常用于搜索框输入联想和窗口大小调整。",
          "注意这里使用普通函数而不是箭头函数，以便正确传递 this。"),
         ("Every new event clears the previous timer, so the handler only runs once things "
          "settle down.",
          "This pattern is common for search-as-you-type boxes and window resizing.",
          "A regular function is used instead of an arrow function so that this is passed "
          "through correctly.")),
        ("在最后一次调用之后等待 wait 毫秒再执行", "run fn only after wait ms of silence"),
        {"wait": ("200", "300", "500"), "handler": ("onResize", "onScroll", "handleInput"),
         "msg": ("resized", "scrolled", "input changed"),
         "event": ("resize", "scroll", "input")},
        "O(1)",
    ),
    Snippet(
        "javascript",
        Template('''async function ${func}(${param}) {
  // ${c1}
  const response = await fetch("/api/${entity}s/" + ${param});
  if (!response.ok) {
    throw new Error("HTTP " + response.status);
  }
  return await response.json();
}

${func}(${num})
  .then((data) => console.log(data.${field}))
  .catch((err) => console.error(err));'''),
        ("通过 fetch 调用后端接口并处理错误", "call a REST API with fetch and handle errors"),
        (("fetch 只有在网络故障时才会抛出异常，HTTP 错误需要自己检查 response.ok。",
          "async/await 让异步代码读起来像同步代码一样直观。",
          "生产环境中最好再加上超时控制和重试逻辑。"),
         ("fetch only rejects on network failures, so HTTP errors must be checked via "
          "response.ok.",
          "async/await makes the asynchronous code read like ordinary sequential code.",
          "In production you would also add a timeout and some retry logic.")),
        ("请求接口并解析返回的 JSON", "request the resource and parse the JSON body"),
        {"func": ("loadUser", "getOrder", "fetchItem"), "param": ("id", "userId", "key"),
         "entity": ("user", "order", "item", "article"), "num": ("42", "7", "1001"),
         "field": ("name", "status", "title")},
        "O(1)",
    ),
    Snippet(
        "javascript",
        Template('''const ${arr} = [
  { name: "${n1}", ${field}: ${v1}, active: true },
  { name: "${n2}", ${field}: ${v2}, active: false },
  { name: "${n3}", ${field}: ${v3}, active: true },
];

// ${c1}
const total = ${arr}
  .filter((x) => x.active)
  .map((x) => x.${field})
  .reduce((sum, v) => sum + v, 0);
console.log(total);'''),
        ("用 filter、map 和 reduce 处理数组", "process an array with filter, map and reduce"),
        (("链式调用让数据处理的每一步都清晰可见。",
          "reduce 的第二个参数是初始值，忘记写它在空数组上会报错。",
          "如果数据量很大，可以考虑用一次 for 循环完成全部计算。"),
         ("Chaining the calls makes every step of the transformation easy to see.",
          "The second argument of reduce is the initial value; without it an empty array "
          "throws.",
          "For very large arrays a single for loop avoids the intermediate arrays.")),
        ("只累加处于启用状态的记录", "sum the field over active records only"),
        {"arr": ("users", "accounts", "projects"), "field": ("score", "balance", "hours"),
         "n1": ("Ann", "Bo", "Cai"), "n2": ("Dev", "Eli", "Fay"), "n3": ("Gus", "Hui", "Ida"),
         "v1": ("12", "40", "7"), "v2": ("3", "18", "25"), "v3": ("9", "31", "14")},
    ),
    Snippet(
        "sql",
        Template('''-- ${c1}
SELECT c.${name_col},
       COUNT(o.id) AS order_count,
       SUM(o.${amount}) AS total_${amount}
FROM ${t1} AS c
JOIN ${t2} AS o ON o.${fk} = c.id
WHERE o.created_at >= '${date}'
GROUP BY c.${name_col}
HAVING COUNT(o.id) > ${minc}
ORDER BY total_${amount} DESC
LIMIT ${limit};'''),
        ("用 SQL 统计每个客户的订单数量和金额",
         "report order counts and totals per customer in SQL"),
        (("JOIN 把两张表按外键关联起来，再用 GROUP BY 分组统计。",
          "HAVING 用来过滤分组之后的结果，而 WHERE 过滤的是分组之前的行。",
          "在 created_at 和外键列上建立索引可以显著加快查询。"),
         ("The JOIN links the two tables on the foreign key before GROUP BY aggregates them.",
          "HAVING filters the groups after aggregation, whereas WHERE filters rows before it.",
          "Indexes on created_at and on the foreign key make this query much faster.")),
        ("统计最近下单较多的客户", "find the customers with the most recent orders"),
        {"name_col": ("name", "email", "company"), "amount": ("amount", "total", "price"),
         "t1": ("customers", "clients", "accounts"), "t2": ("orders", "invoices", "payments"),
         "fk": ("customer_id", "client_id", "account_id"),
         "date": ("2023-01-01", "2024-03-01", "2022-07-15"), "minc": ("1", "3", "5"),
         "limit": ("10", "20", "50")},
        "O(n log n)",
    ),
    Snippet(
        "sql",
        Template('''CREATE TABLE ${table} (
    id BIGINT PRIMARY KEY,
    ${col1} VARCHAR(${len}) NOT NULL,
    ${col2} DECIMAL(12, 2) DEFAULT 0,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- ${c1}
CREATE INDEX idx_${table}_${col1} ON ${table} (${col1});'''),
        ("设计一张数据表并为常用查询列建立索引", "create a table and index the column you query"),
        (("主键使用 BIGINT，可以避免数据量增长后整数溢出。",
          "金额类字段应当使用 DECIMAL 而不是 FLOAT，以免出现精度问题。",
          "索引会加快查询，但也会让写入变慢，所以不要给每一列都建索引。"),
         ("BIGINT primary keys avoid running out of ids as the table grows.",
          "Money columns should be DECIMAL rather than FLOAT to avoid rounding errors.",
          "Indexes speed up reads but slow down writes, so do not index every column.")),
        ("为经常查询的列建立索引", "index the column used in lookups"),
        {"table": ("products", "members", "shipments", "tickets"),
         "col1": ("title", "username", "code", "sku"), "col2": ("price", "balance", "weight"),
         "len": ("64", "128", "255")},
        "O(log n)",
    ),
    Snippet(
        "python",
        Template('''from functools import lru_cache


@lru_cache(maxsize=None)
def ${func}(n):
    # ${c1}
    if n < 2:
        return n
    return ${func}(n - 1) + ${func}(n - 2)


print([${func}(i) for i in range(${n})])'''),
        ("用缓存加速递归计算斐波那契数列", "speed up a recursive Fibonacci function with a cache"),
        (("如果不加缓存，递归版本的时间复杂度是指数级的。",
          "lru_cache 会记住已经计算过的结果，相同的参数不会重复计算。",
          "递归深度过大时会触发 RecursionError，这时可以改写成循环。"),
         ("Without the cache the recursive version takes exponential time.",
          "lru_cache remembers earlier results, so each value is computed only once.",
          "Very deep recursion raises RecursionError; a loop avoids that.")),
        ("第 n 个斐波那契数", "the n-th Fibonacci number"),
        {"func": ("fib", "fibonacci", "fib_cached"), "n": ("10", "15", "20")},
    ),
    Snippet(
        "python",
        Template('''def ${func}(${items}, size=${size}):
    # ${c1}
    for start in range(0, len(${items}), size):
        yield ${items}[start:start + size]


for batch in ${func}(list(range(${n}))):
    print(batch)'''),
        ("把一个长列表切分成固定大小的批次", "split a long list into fixed-size batches"),
        (("这里用生成器逐批返回数据，不会一次性复制整个列表。",
          "最后一批的长度可能小于 size，调用方需要能够处理这种情况。",
          "批量写入数据库或调用接口时，这个函数非常好用。"),
         ("The generator yields one batch at a time instead of copying the whole list.",
          "The last batch may be shorter than size, so callers must cope with that.",
          "This is handy when writing to a database or calling an API in bulk.")),
        ("按固定大小切分列表", "yield successive chunks of the list"),
        {"func": ("chunked", "batches", "split_every", "in_groups"),
         "items": ("items", "rows", "records", "ids"), "size": ("3", "4", "5", "100"),
         "n": ("10", "12", "17", "23")},
    ),
    Snippet(
        "python",
        Template('''import re

PATTERN = re.compile(r"(?P<date>\\d{4}-\\d{2}-\\d{2}) (?P<level>[A-Z]+) (?P<message>.*)")


def ${func}(lines):
    # ${c1}
    counts = {}
    for line in lines:
        match = PATTERN.match(line)
        if match is None:
            continue
        level = match.group("level")
        counts[level] = counts.get(level, 0) + 1
    return counts


with open("${file}.log", encoding="utf-8") as f:
    print(${func}(f))'''),
        ("用正则表达式解析日志并统计各级别的数量", "parse log lines with a regex and count levels"),
        (("命名分组让匹配结果更容易读懂，也不依赖分组的顺序。",
          "不符合格式的行会被直接跳过，而不是让整个程序崩溃。",
          "正则表达式预先编译一次，可以避免在循环中重复编译。"),
         ("Named groups make the match easy to read and independent of group order.",
          "Lines that do not match are skipped instead of crashing the whole run.",
          "Compiling the pattern once avoids recompiling it inside the loop.")),
        ("按日志级别计数", "count lines per log level"),
        {"func": ("count_levels", "summarize_log", "level_histogram"),
         "file": ("app", "server", "worker", "access")},
    ),
    Snippet(
        "python",
        Template('''import json
from pathlib import Path

DEFAULTS = {"${k1}": ${v1}, "${k2}": "${v2}", "debug": False}


def ${func}(path):
    # ${c1}
    config = dict(DEFAULTS)
    file = Path(path)
    if file.exists():
        config.update(json.loads(file.read_text(encoding="utf-8")))
    return config


settings = ${func}("${file}.json")'''),
        ("读取 JSON 配置文件并提供默认值", "load a JSON config file with defaults"),
        (("先复制一份默认配置，再用文件中的值覆盖，避免修改全局字典。",
          "配置文件不存在时直接使用默认值，程序依然可以启动。",
          "pathlib 比 os.path 更直观，推荐在新代码中使用。"),
         ("Copying the defaults first means the module-level dictionary is never modified.",
          "When the file is missing the defaults are used and the program still starts.",
          "pathlib reads more naturally than os.path and is the better choice in new code.")),
        ("用文件中的值覆盖默认配置", "file values override the defaults"),
        {"func": ("load_config", "read_settings", "get_config"),
         "k1": ("timeout", "workers", "retries", "port"), "v1": ("30", "4", "3", "8080"),
         "k2": ("host", "log_level", "region"), "v2": ("localhost", "info", "eu-west-1"),
         "file": ("config", "settings", "app")},
        "O(size of the file)",
    ),
    Snippet(
        "python",
        Template('''def ${func}(a, b):
    # ${c1}
    i = j = 0
    merged = []
    while i < len(a) and j < len(b):
        if a[i] <= b[j]:
            merged.append(a[i])
            i += 1
        else:
            merged.append(b[j])
            j += 1
    merged.extend(a[i:])
    merged.extend(b[j:])
    return merged


print(${func}([${xs}], [${ys}]))'''),
        ("合并两个已经排好序的列表", "merge two sorted lists"),
        (("两个指针分别指向两个列表，每次取较小的那个元素。",
          "条件里使用 <= 可以保证排序是稳定的。",
          "这正是归并排序中“合并”那一步的写法。"),
         ("Two pointers walk through the lists, always taking the smaller element.",
          "Using <= keeps the merge stable.",
          "This is exactly the merge step of merge sort.")),
        ("依次取两个列表中较小的元素", "take the smaller head element each time"),
        {"func": ("merge_sorted", "merge", "merge_lists"),
         "xs": ("1, 4, 9", "2, 3, 10, 12", "0, 5"), "ys": ("2, 3, 7", "1, 11", "4, 6, 8, 9")},
    ),
    Snippet(
        "python",
        Template('''import time
from contextlib import contextmanager


@contextmanager
def ${func}(label="${label}"):
    # ${c1}
    start = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - start
        print(f"{label}: {elapsed:.3f}s")


with ${func}():
    total = sum(i * i for i in range(${n}))'''),
        ("写一个统计代码运行时间的上下文管理器", "time a block of code with a context manager"),
        (("finally 保证即使代码块抛出异常，也会打印耗时。",
          "perf_counter 的精度比 time.time 更高，适合测量短时间间隔。",
          "contextmanager 装饰器让我们不必手写 __enter__ 和 __exit__。"),
         ("The finally clause prints the timing even if the block raises.",
          "perf_counter has a higher resolution than time.time for short intervals.",
          "The contextmanager decorator saves us from writing __enter__ and __exit__.")),
        ("打印代码块的运行时间", "print how long the block took"),
        {"func": ("timer", "timed", "stopwatch"), "label": ("step", "query", "load", "elapsed"),
         "n": ("1_000_000", "100_000", "5_000_000")},
        "O(1)",
    ),
    Snippet(
        "python",
        Template('''class ${cls}:
    # ${c1}
    def __init__(self):
        self._items = []

    def push(self, item):
        self._items.append(item)

    def pop(self):
        if not self._items:
            raise IndexError("pop from empty ${cls}")
        return self._items.pop()

    def __len__(self):
        return len(self._items)


s = ${cls}()
s.push(${x})
print(s.pop(), len(s))'''),
        ("实现一个简单的栈", "implement a simple stack"),
        (("Python 的列表在末尾追加和弹出都是常数时间，很适合用来实现栈。",
          "对空栈执行 pop 时抛出 IndexError，与内置列表的行为保持一致。",
          "实现 __len__ 之后，就可以直接对对象调用 len()。"),
         ("Appending and popping at the end of a Python list are constant time, which suits "
          "a stack.",
          "Popping an empty stack raises IndexError, just like the built-in list.",
          "Implementing __len__ lets callers use len() on the object.")),
        ("后进先出的容器", "a last-in, first-out container"),
        {"cls": ("Stack", "LifoStack", "History"), "x": ("1", "'a'", "42", "None")},
        "O(1)",
    ),
    Snippet(
        "javascript",
        Template('''function ${func}(items, key) {
  // ${c1}
  return items.reduce((groups, item) => {
    const value = item[key];
    (groups[value] = groups[value] || []).push(item);
    return groups;
  }, {});
}

const rows = [
  { ${key}: "${a}", id: 1 },
  { ${key}: "${b}", id: 2 },
  { ${key}: "${a}", id: 3 },
];
console.log(${func}(rows, "${key}"));'''),
        ("按某个字段对数组元素分组", "group array elements by a field"),
        (("reduce 的初始值是一个空对象，每个分组的键对应一个数组。",
          "新版本的浏览器已经提供了 Object.groupBy，可以直接使用。",
          "如果字段值可能是 undefined，最好先过滤掉这些元素。"),
         ("reduce starts from an empty object and collects one array per key.",
          "Recent runtimes ship Object.groupBy, which does the same thing.",
          "If the field can be undefined, filter those elements out first.")),
        ("把元素放进以字段值为键的数组中", "collect items into arrays keyed by the field"),
        {"func": ("groupBy", "groupRows", "bucketBy"), "key": ("type", "status", "city", "team"),
         "a": ("red", "open", "paris", "alpha"), "b": ("blue", "closed", "lima", "beta")},
    ),
    Snippet(
        "javascript",
        Template('''async function ${func}(urls) {
  // ${c1}
  const responses = await Promise.all(urls.map((url) => fetch(url)));
  return Promise.all(responses.map((r) => r.json()));
}

${func}(["/api/${e1}", "/api/${e2}"]).then(([first, second]) => {
  console.log(first, second);
});'''),
        ("并发请求多个接口并等待全部返回", "fetch several URLs in parallel"),
        (("Promise.all 会同时发出所有请求，总耗时取决于最慢的那个。",
          "只要有一个请求失败，整个 Promise 就会被拒绝。",
          "如果希望部分失败时仍然拿到其他结果，可以改用 Promise.allSettled。"),
         ("Promise.all starts every request at once, so the total time is that of the slowest.",
          "If any request fails, the whole promise rejects.",
          "Use Promise.allSettled if partial failures should still return the other results.")),
        ("同时发出所有请求", "start all requests at once"),
        {"func": ("fetchAll", "loadAll", "getMany"), "e1": ("users", "stats", "config"),
         "e2": ("orders", "alerts", "profile")},
        "O(n)",
    ),
    Snippet(
        "sql",
        Template('''-- ${c1}
SELECT ${name_col},
       ${grp},
       ${metric},
       RANK() OVER (PARTITION BY ${grp} ORDER BY ${metric} DESC) AS rank_in_group
FROM ${table}
WHERE ${metric} IS NOT NULL;'''),
        ("用窗口函数计算组内排名", "rank rows within each group using a window function"),
        (("PARTITION BY 决定了在哪个范围内排名，ORDER BY 决定排名的依据。",
          "RANK 遇到并列时会跳过名次，如果不想跳过可以使用 DENSE_RANK。",
          "窗口函数不会像 GROUP BY 那样把多行合并成一行。"),
         ("PARTITION BY sets the groups and ORDER BY decides the ranking within each.",
          "RANK leaves gaps after ties; use DENSE_RANK if you want consecutive ranks.",
          "Unlike GROUP BY, a window function keeps every input row.")),
        ("按组计算排名", "rank within each group"),
        {"name_col": ("name", "title", "player"), "grp": ("department", "region", "team"),
         "metric": ("salary", "sales", "score"), "table": ("employees", "reps", "results")},
        "O(n log n)",
    ),
    Snippet(
        "sql",
        Template('''-- ${c1}
SELECT c.id, c.${name_col}
FROM ${t1} AS c
LEFT JOIN ${t2} AS o ON o.${fk} = c.id
WHERE o.id IS NULL
ORDER BY c.id;'''),
        ("找出没有任何关联记录的行", "find rows that have no matching rows in another table"),
        (("LEFT JOIN 会保留左表的所有行，没有匹配时右表的列为 NULL。",
          "判断 o.id IS NULL 就能筛选出没有关联记录的行。",
          "也可以用 NOT EXISTS 子查询实现同样的效果。"),
         ("A LEFT JOIN keeps every row of the left table, with NULLs where nothing matches.",
          "Filtering on o.id IS NULL leaves exactly the rows without a match.",
          "A NOT EXISTS subquery expresses the same thing.")),
        ("查找从未下过单的客户", "customers that never placed an order"),
        {"name_col": ("name", "email"), "t1": ("customers", "users", "members"),
         "t2": ("orders", "payments", "bookings"), "fk": ("customer_id", "user_id", "member_id")},
    ),
    Snippet(
        "sql",
        Template('''-- ${c1}
UPDATE ${t1}
SET status = '${status}'
WHERE id IN (
    SELECT ${fk}
    FROM ${t2}
    WHERE created_at < '${date}'
);'''),
        ("根据另一张表的条件批量更新数据", "bulk-update rows based on another table"),
        (("执行 UPDATE 之前，最好先把子查询单独运行一遍，确认影响的行数。",
          "在事务中执行批量更新，出错时可以回滚。",
          "数据量很大时，应当分批更新，避免长时间锁表。"),
         ("Run the subquery on its own first to check how many rows will change.",
          "Wrap bulk updates in a transaction so they can be rolled back.",
          "On big tables, update in batches to avoid holding locks for too long.")),
        ("把旧记录标记为归档", "mark old records as archived"),
        {"t1": ("accounts", "projects", "devices"), "t2": ("events", "logins", "reports"),
         "fk": ("account_id", "project_id", "device_id"),
         "status": ("archived", "inactive", "expired"),
         "date": ("2021-01-01", "2022-06-30", "2023-12-31")},
    ),
)

ZH_TITLES = ("如何{task}", "{lang_name} 小技巧：{task}", "实战笔记：{task}", "{task}的几种写法",
             "[新手|入门]教程：{task}")
EN_TITLES = ("How to {task}", "{lang_name} tip: {task}", "Notes on how to {task}",
             "{lang_name} snippets — how to {task}", "[Quick|Beginner’s] guide: how to {task}")
ZH_INTRO = (
    "在实际开发中，我们[经常|时不时|常常]需要{task}。",
    "下面的示例使用 {lang_name} 实现了这一功能，代码[不长|很短|只有十几行]，"
    "但[很实用|足够应付大多数场景]。",
    "很多初学者在这个问题上会写出冗长的代码，其实有更简洁的做法。",
    "本文给出一个可以直接运行的例子，并[逐行|简单]解释其中的要点。",
    "这个问题在[面试|技术面试|笔试]中也经常出现。",
    "最近在[项目|工作|一个内部工具]里遇到了需要{task}的场景，顺手把代码整理成笔记。",
    "[网上|论坛上]关于这个问题的答案五花八门，这里记录一种[比较稳妥|我自己常用]的写法。",
    "如果你刚开始学习 {lang_name}，这个例子可以帮助你理解[基本语法|常见的写法|标准库的用法]。",
    "先说结论：{task}并不复杂，关键是[想清楚边界情况|选对数据结构|理解执行顺序]。",
    "有同事问我怎样{task}，我就写了下面这个[小例子|演示程序]。",
    "代码在 {lang_name} 的[较新版本|主流版本]上测试通过。",
)
EN_INTRO = (
    "A common task in day-to-day development is to {task}.",
    "The snippet below shows one way to do it in {lang_name}.",
    "Beginners often write far more code than necessary for this — it doesn’t have to be long.",
    "Here’s a small example you can run as is, followed by a [short|quick|brief] explanation.",
    "This also comes up [regularly|quite often|now and then] in coding interviews.",
    "I recently needed to {task} in [a side project|a work project|an internal tool], so here "
    "are my notes.",
    "There are many answers online; this is the [approach|version] I [keep coming back to|use "
    "most often].",
    "If you are new to {lang_name}, this example is a [good|gentle] introduction to [the basic "
    "syntax|common idioms|the standard library].",
    "The short answer: it isn’t hard, as long as you [think about edge cases|pick the right data "
    "structure|keep the order of operations in mind].",
    "A colleague asked me how to {task}, so I wrote [this small example|the following demo].",
    "The code was tested with a recent version of {lang_name}.",
)
ZH_OUTRO = (
    "这段代码的时间复杂度为 {complexity}。",
    "运行上面的代码，[终端|控制台]会输出处理后的结果。",
    "建议为关键函数编写单元测试，以保证重构时行为不变。",
    "在生产环境中，还应当加入日志记录和异常处理。",
    "与手写循环相比，这种写法可读性更好，也更不容易出错。",
    "你可以根据自己的项目调整变量名，核心思路是一样的。",
    "如果有更好的写法，欢迎在评论区交流。",
    "[当然|需要说明的是]，这只是[一种|其中一种]实现方式，并不是唯一答案。",
    "如果数据量[特别大|达到千万级]，可以考虑[分批处理|引入缓存|使用专门的库]。",
    "[完整代码|示例代码]已经上传到仓库，[有兴趣的读者|大家]可以下载后自己运行。",
    "下一篇文章[我们将|会]介绍[性能优化|相关的测试方法|更复杂的用法]。",
    "以上代码[仅供参考|在 Linux 和 macOS 上都测试过]。",
)
EN_OUTRO = (
    "The time complexity is {complexity}.",
    "Running the code prints the result to the [console|terminal] — try changing the inputs.",
    "It’s a good idea to write a couple of unit tests for this before refactoring.",
    "In production code you would also want logging and proper error handling.",
    "Compared with a hand-written loop, this version is shorter and harder to get wrong.",
    "Feel free to rename things to fit your project — the core idea stays the same.",
    "If you know a neater way, share it in the comments below. Happy coding!",
    "Of course, this is [only one|just one] way to do it.",
    "For [very large inputs|millions of rows], consider [processing the data in batches|adding a "
    "cache|using a dedicated library].",
    "The [full|complete] example is in the repository if you want to run it yourself.",
    "In the next post we’ll look at [performance|testing|a more advanced version].",
    "The code has been tested on Linux and macOS.",
)
LANG_NAMES = {"python": "Python", "javascript": "JavaScript", "sql": "SQL"}


COMMENT_MARK = {"python": "#", "javascript": "//", "sql": "--"}
ZH_HEADERS = ("示例代码，作者：{person}", "{date}更新", "仅供学习参考",
              "在 {city} 的一次分享会上演示过", "转载请注明出处", "第{small}版")
EN_HEADERS = ("Example by {person}", "Last updated: {month} {year}", "For learning purposes only",
              "Shown at a meetup in {city}", "Revision {small}", "Licence: MIT")


def render(snippet: Snippet, rng: random.Random, lang: str, slots: Slots) -> str:
    """The snippet's code with names drawn at random, comments in `lang`, and sometimes a
    header comment line."""
    values = {key: rng.choice(options) for key, options in snippet.names.items()}
    values["c1"] = snippet.comment[0 if lang == "zh" else 1]
    code = snippet.code.substitute(values)
    if rng.random() < 0.5:
        header = rng.choice(ZH_HEADERS if lang == "zh" else EN_HEADERS).format_map(slots)
        code = f"{COMMENT_MARK[snippet.language]} {header}\n{code}"
    return f"```{snippet.language}\n{code}\n```"


def code_doc(rng: random.Random, lang: str) -> str:
    """A programming blog post: title, intro, one or two code blocks, and explanations."""
    zh = lang == "zh"
    joiner = "" if zh else " "
    first, second = rng.sample(SNIPPETS, 2)
    slots = Slots(rng, TABLES[lang])
    slots.update(task=first.task[0 if zh else 1], lang_name=LANG_NAMES[first.language],
                 complexity=first.complexity)
    outro = list(ZH_OUTRO if zh else EN_OUTRO)
    rng.shuffle(outro)

    def prose(sentences: list[str] | tuple[str, ...], k: int) -> str:
        return joiner.join(fill(s, rng, slots) for s in sentences[:k])

    parts = []
    if rng.random() < 0.6:
        parts.append(fill(rng.choice(ZH_TITLES if zh else EN_TITLES), rng, slots))
    parts.append(prose(rng.sample(ZH_INTRO if zh else EN_INTRO, 4), rng.randint(2, 4)))
    parts.append(render(first, rng, lang, slots))
    explain = first.explain[0 if zh else 1]
    parts.append(joiner.join(rng.sample(explain, rng.randint(2, 3)))
                 + joiner + prose(outro, rng.randint(1, 3)))
    if rng.random() < 0.5:
        lead = (f"另外，如果需要{second.task[0]}，可以参考下面的代码。" if zh
                else f"Relatedly, if you need to {second.task[1]}, the following works too.")
        parts.append(lead + joiner + joiner.join(rng.sample(second.explain[0 if zh else 1], 2)))
        parts.append(render(second, rng, lang, slots))
    if rng.random() < 0.5:
        parts.append(prose(outro[3:], rng.randint(2, 3)))
    return "\n\n".join(parts)
