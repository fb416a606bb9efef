"""Checks a Prometheus text exposition (format 0.0.4) the way a scraper
reads it, and reads series from it.

usage: promtext.py check FILE        exit 1 with the first problem
       promtext.py get FILE SERIES   print SERIES' value, or "absent"
SERIES is written as exposed, e.g. name{a="b",c="d"}.
"""
import math
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(r"^(%s)(\{(%s(?:,%s)*)?\})? (\S+)$" % (NAME, LABEL, LABEL))
HELP = re.compile(r"^# HELP (%s) \S.*$" % NAME)
TYPE = re.compile(r"^# TYPE (%s) (counter|gauge|histogram|summary|untyped)$"
                  % NAME)
SUFFIXES = ("_bucket", "_sum", "_count")


def labels_of(text):
    return tuple(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"',
                            text or ""))


def parse(path):
    helps, types, samples = {}, {}, {}
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if not text.endswith("\n"):
        raise ValueError("the text does not end with a newline")
    for n, line in enumerate(text.split("\n")[:-1], 1):
        m = HELP.match(line)
        if m:
            if m.group(1) in helps:
                raise ValueError("line %d: HELP twice for %s" % (n, m.group(1)))
            helps[m.group(1)] = n
            continue
        m = TYPE.match(line)
        if m:
            if m.group(1) in types:
                raise ValueError("line %d: TYPE twice for %s" % (n, m.group(1)))
            types[m.group(1)] = (m.group(2), n)
            continue
        m = SAMPLE.match(line)
        if not m:
            raise ValueError("line %d does not parse: %r" % (n, line))
        name, labels, value = m.group(1), labels_of(m.group(3)), m.group(4)
        v = float(value)  # +Inf, -Inf, NaN included
        fam = name
        if name not in types:
            for s in SUFFIXES:
                if name.endswith(s) and name[:-len(s)] in types:
                    fam = name[:-len(s)]
        if fam not in types or fam not in helps:
            raise ValueError("line %d: %s has no TYPE or HELP" % (n, name))
        if types[fam][1] > n or helps[fam] > n:
            raise ValueError("line %d: %s before its TYPE/HELP" % (n, name))
        key = (name, labels)
        if key in samples:
            raise ValueError("line %d: series given twice: %r" % (n, line))
        samples[key] = v
        if types[fam][0] == "counter" and (v < 0 or math.isnan(v)):
            raise ValueError("line %d: counter below 0" % n)
    return types, samples


def check_histograms(types, samples):
    for fam, (kind, _) in types.items():
        if kind != "histogram":
            continue
        groups = {}
        for (name, labels), v in samples.items():
            if name == fam + "_bucket":
                rest = tuple(l for l in labels if l[0] != "le")
                le = dict(labels)["le"]
                groups.setdefault(rest, []).append(
                    (float("inf") if le == "+Inf" else float(le), v))
        if not groups:
            raise ValueError("histogram %s has no buckets" % fam)
        for rest, buckets in groups.items():
            buckets.sort()
            counts = [c for _, c in buckets]
            if counts != sorted(counts):
                raise ValueError("%s%r: buckets not cumulative" % (fam, rest))
            if buckets[-1][0] != float("inf"):
                raise ValueError("%s%r: no +Inf bucket" % (fam, rest))
            count = samples.get((fam + "_count", rest))
            if count is None or (fam + "_sum", rest) not in samples:
                raise ValueError("%s%r: no _count or _sum" % (fam, rest))
            if count != buckets[-1][1]:
                raise ValueError("%s%r: +Inf %g != _count %g" %
                                 (fam, rest, buckets[-1][1], count))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    try:
        types, samples = parse(sys.argv[2])
        if sys.argv[1] == "check":
            check_histograms(types, samples)
            print("%d families, %d samples" % (len(types), len(samples)))
            return
    except ValueError as e:
        sys.exit("metrics: %s" % e)
    m = SAMPLE.match(sys.argv[3] + " 0")
    if m is None:
        sys.exit("bad series: %s" % sys.argv[3])
    v = samples.get((m.group(1), labels_of(m.group(3))))
    print("absent" if v is None else "%.17g" % v)


main()
