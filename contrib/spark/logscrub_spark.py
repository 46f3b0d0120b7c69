#!/usr/bin/env python3
"""logscrub on Apache Spark: anonymize and count logs that already live in object storage or HDFS.

    spark-submit logscrub_spark.py [--logscrub PATH] stats --format FMT \\
        (--key-file K | --key-env VAR) INPUT... -o STATE [--split-size BYTES] [-- LOGSCRUB-ARGS]
    spark-submit logscrub_spark.py [--logscrub PATH] anonymize --format FMT INPUT... \\
        --output-dir DIR [-- LOGSCRUB-ARGS]

Jobs may be chained in one Spark application (one session) with `--and`:

    spark-submit logscrub_spark.py anonymize ... --and stats ...

How it works (README, "More than one machine"):

* The logscrub binary (`--logscrub`, else the one on PATH) is shipped to the executors with
  `addFile`; each task runs it as a subprocess. logscrub reads and writes the bytes itself:
  never `textFile().pipe()`, which loses carriage returns, replaces invalid UTF-8 and forgets
  file names.
* anonymize: one task per file. A local path is read by logscrub directly (compressed or not); any
  other URL Hadoop reads (hdfs://, s3a://, file://) is read by Spark (`binaryFiles`) and fed to
  logscrub's standard input. The output is written by logscrub to `DIR/NAME` (atomically), NAME
  being the input's path below the inputs' common directory, so names mirror the inputs' (and
  `.gz`/`.zst` outputs are compressed like the inputs). DIR must be a directory every executor
  writes to (local mode, or a shared mount).
* stats: one task per file, or per `--split-size` range of lines for a local uncompressed file
  (not for W3C logs, whose lines need the `#Fields:` directive before them);
  each task's state (one line of JSON) is merged in a tree of `logscrub merge - -o -` and the
  driver writes the sum to STATE. Statistics of any split merge exactly into the whole's (issue
  21): the result equals `logscrub stats` on one machine, but for visit order, whose visits
  across a cut count as two.
* The key: `--key-file` is read on the driver (so its permissions are checked where it lives,
  as logscrub does: not group- or world-readable) and `--key-env VAR` from the driver's
  environment; either reaches the tasks as a broadcast value and logscrub as an environment
  variable of its own process (`--key-env`), never as a file or a command-line argument.
* A failing logscrub fails its task with logscrub's message, and the job with it (exit status
  non-zero).
"""

import argparse
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time

KEY_VAR = "LOGSCRUB_SPARK_KEY"
LOCAL_PREFIX = "file://"


def is_local(path, via_spark=False):
    """A path a task can open itself: no scheme, or `file:` (Hadoop writes `file:/x`)."""
    return not via_spark and ("://" not in path or path.startswith("file:"))


def local_path(path):
    if path.startswith(LOCAL_PREFIX):
        return path[len(LOCAL_PREFIX):]
    if path.startswith("file:"):
        return path[len("file:"):]
    return path


def binary():
    """The logscrub shipped with addFile, executable."""
    from pyspark import SparkFiles

    path = SparkFiles.get("logscrub")
    mode = os.stat(path).st_mode
    if not mode & stat.S_IXUSR:
        try:
            os.chmod(path, mode | stat.S_IXUSR)
        except OSError:
            pass
    return path


def run(args, stdin=None, key=None):
    """Runs logscrub; returns its standard output, raises with its message when it fails."""
    env = dict(os.environ)
    if key is not None:
        env[KEY_VAR] = key
    p = subprocess.run(
        [binary()] + args,
        input=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    if p.returncode != 0:
        raise RuntimeError(
            "logscrub %s failed (exit %d): %s"
            % (" ".join(args[:1]), p.returncode, p.stderr.decode("utf-8", "replace").strip())
        )
    return p.stdout


def read_key(a):
    """The hex key, from --key-file (permissions checked as logscrub checks them) or --key-env."""
    if a.key_env:
        v = os.environ.get(a.key_env)
        if not v:
            sys.exit("logscrub_spark: --key-env %s: the variable is not set" % a.key_env)
        return v.strip()
    st = os.stat(a.key_file)
    if st.st_mode & 0o077:
        sys.exit(
            "logscrub_spark: %s is readable by others (mode %o); chmod 600 it"
            % (a.key_file, stat.S_IMODE(st.st_mode))
        )
    with open(a.key_file, encoding="ascii") as f:
        return f.read().strip()


def expand(sc, inputs):
    """Input paths with globs and directories expanded, through Hadoop's file systems."""
    jvm = sc._jvm
    conf = sc._jsc.hadoopConfiguration()
    out = []
    for p in inputs:
        path = jvm.org.apache.hadoop.fs.Path(p)
        fs = path.getFileSystem(conf)
        matched = fs.globStatus(path)
        if matched is None or len(matched) == 0:
            sys.exit("logscrub_spark: %s: no such file" % p)
        for st in matched:
            if st.isDirectory():
                # Every file below it, at any depth.
                files = fs.listFiles(st.getPath(), True)
                while files.hasNext():
                    child = files.next()
                    out.append((child.getPath().toString(), child.getLen()))
            else:
                out.append((st.getPath().toString(), st.getLen()))
    # One name each, in order.
    seen = set()
    return [x for x in sorted(out) if not (x[0] in seen or seen.add(x[0]))]


def relative_names(paths):
    """Each path below the paths' common directory (`a/x.log`, `b/x.log` keep apart)."""
    parts = [p.split("/") for p in paths]
    common = os.path.commonprefix([x[:-1] for x in parts])
    return ["/".join(x[len(common):]) for x in parts]


def anonymize(sc, a):
    started = time.monotonic()
    files = expand(sc, a.inputs)
    names = relative_names([p for p, _ in files])
    out_dir = os.path.abspath(a.output_dir)
    os.makedirs(out_dir, exist_ok=True)
    fmt, extra = a.format, a.extra

    def one(path, name, data=None):
        dest = os.path.join(out_dir, name)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        args = ["anonymize", "-q", "--format", fmt, "-o", dest] + extra
        if data is None:
            run(args + [local_path(path)])
        else:
            run(args + ["-"], stdin=data)
        return name

    via = a.via_spark
    local = [(p, n) for (p, _), n in zip(files, names) if is_local(p, via)]
    remote = {p: n for (p, _), n in zip(files, names) if not is_local(p, via)}
    done = []
    if local:
        done += sc.parallelize(local, len(local)).map(lambda pn: one(pn[0], pn[1])).collect()
    if remote:
        rdd = sc.binaryFiles(",".join(sorted(remote)), len(remote))
        done += rdd.map(lambda kv: one(kv[0], name_of(remote, kv[0]), kv[1])).collect()
    secs = time.monotonic() - started
    size = sum(n for _, n in files)
    print(
        "logscrub_spark: anonymized %d files into %s; %.1f MB in %.2f s (%.0f MB/s)"
        % (len(done), out_dir, size / 1e6, secs, size / 1e6 / max(secs, 1e-9)),
        file=sys.stderr,
    )


def name_of(names, uri):
    """The output name of a file Spark read (its URI may be spelled `file:/x` or `file:///x`)."""
    if uri in names:
        return names[uri]
    for p, n in names.items():
        if local_path(p) == local_path(uri):
            return n
    raise RuntimeError("logscrub_spark: Spark read %s, which no input names" % uri)


def line_ranges(path, size, split):
    """(start, end) byte ranges of about `split` bytes; each task moves its ends to line ends."""
    if size <= split:
        return [(0, size)]
    return [(s, min(s + split, size)) for s in range(0, size, split)]


def line_start(f, pos):
    """The first line beginning at or after `pos` (the Hadoop rule, so every line is read once:
    a range holds the lines that begin in it)."""
    if pos == 0:
        return 0
    f.seek(pos - 1)
    f.readline()
    return f.tell()


def run_range(args, path, start, end, key):
    """Runs logscrub on the lines that begin in [start, end) of `path`, streamed to its standard
    input in large blocks (no line is looked at in Python)."""
    env = dict(os.environ)
    env[KEY_VAR] = key
    with open(path, "rb") as f:
        a, b = line_start(f, start), line_start(f, end)
        p = subprocess.Popen(
            [binary()] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=env,
        )
        f.seek(a)
        left = b - a
        try:
            while left > 0:
                block = f.read(min(left, 8 << 20))
                if not block:
                    break
                p.stdin.write(block)
                left -= len(block)
            p.stdin.close()
        except BrokenPipeError:
            pass
        out, err = p.stdout.read(), p.stderr.read()
        p.wait()
    if p.returncode != 0:
        raise RuntimeError(
            "logscrub %s failed (exit %d): %s"
            % (args[0], p.returncode, err.decode("utf-8", "replace").strip())
        )
    return out


def compressed(path):
    with open(path, "rb") as f:
        magic = f.read(6)
    return magic[:2] == b"\x1f\x8b" or magic[:4] == b"\x28\xb5\x2f\xfd" or magic[:6] == b"\xfd7zXZ\x00" or magic[:3] == b"BZh"


def stats(sc, a):
    started = time.monotonic()
    key = sc.broadcast(read_key(a))
    files = expand(sc, a.inputs)
    fmt, extra = a.format, a.extra
    base = ["stats", "-q", "--format", fmt, "--key-env", KEY_VAR, "-o", "-"] + extra
    tasks = []
    remote = []
    # A W3C log's lines are read by the `#Fields:` directive before them, which a range would
    # not have: such logs (and `auto`, which may find one) are counted a file per task.
    whole = fmt in ("w3c", "iis", "auto") or fmt.upper() == "GOACCESS:W3C"
    for path, size in files:
        if not is_local(path, a.via_spark):
            remote.append(path)
        elif whole or compressed(local_path(path)):
            tasks.append((path, None))
        else:
            tasks += [(path, r) for r in line_ranges(path, size, a.split_size)]

    def count(task):
        path, rng = task
        if rng is None:
            return run(base + [local_path(path)], key=key.value)
        return run_range(base + ["-"], local_path(path), rng[0], rng[1], key.value)

    def merge(x, y):
        return run(["merge", "-", "-o", "-"], stdin=x + y)

    rdds = []
    if tasks:
        rdds.append(sc.parallelize(tasks, len(tasks)).map(count))
    if remote:
        rdds.append(
            sc.binaryFiles(",".join(remote), len(remote)).map(
                lambda kv: run(base + ["-"], stdin=kv[1], key=key.value)
            )
        )
    rdd = rdds[0] if len(rdds) == 1 else sc.union(rdds)
    state = rdd.treeReduce(merge, depth=2)
    # The driver writes the sum atomically (logscrub merge -o), as logscrub would.
    with tempfile.NamedTemporaryFile() as t:
        t.write(state)
        t.flush()
        subprocess.run([a.logscrub, "merge", t.name, "-o", a.output], check=True)
    secs = time.monotonic() - started
    size = sum(n for _, n in files)
    print(
        "logscrub_spark: %d files in %d tasks counted into %s; %.1f MB in %.2f s (%.0f MB/s)"
        % (len(files), rdd.getNumPartitions(), a.output, size / 1e6, secs, size / 1e6 / max(secs, 1e-9)),
        file=sys.stderr,
    )


def parser():
    p = argparse.ArgumentParser(prog="logscrub_spark.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--logscrub", help="the logscrub binary to ship (default: logscrub on PATH)")
    sub = p.add_subparsers(dest="job", required=True)
    s = sub.add_parser("stats", help="count logs into one statistics state")
    s.add_argument("--format", required=True, help="the logs' format (as logscrub --format)")
    k = s.add_mutually_exclusive_group(required=True)
    k.add_argument("--key-file", help="the statistics key (read on the driver)")
    k.add_argument("--key-env", help="an environment variable of the driver holding the key")
    s.add_argument("-o", "--output", required=True, help="where the driver writes the state")
    s.add_argument("--split-size", type=int, default=128 << 20,
                   help="bytes per task for local uncompressed files (default 128 MiB)")
    s.add_argument("--via-spark", action="store_true",
                   help="read every input through Spark's file systems (as URLs are)")
    s.add_argument("inputs", nargs="+", metavar="INPUT", help="files, directories, globs or URLs")
    an = sub.add_parser("anonymize", help="anonymize each file into --output-dir")
    an.add_argument("--format", required=True, help="the logs' format (as logscrub --format)")
    an.add_argument("--output-dir", required=True, help="a directory every executor writes to")
    an.add_argument("--via-spark", action="store_true",
                    help="read every input through Spark's file systems (as URLs are)")
    an.add_argument("inputs", nargs="+", metavar="INPUT", help="files, directories, globs or URLs")
    return p


def parse(argv):
    """Jobs separated by `--and`; each job's arguments after `--` go to logscrub itself."""
    jobs, cur = [], []
    for x in argv:
        if x == "--and":
            jobs.append(cur)
            cur = []
        else:
            cur.append(x)
    jobs.append(cur)
    parsed = []
    logscrub = None
    for j in jobs:
        extra = []
        if "--" in j:
            k = j.index("--")
            j, extra = j[:k], j[k + 1:]
        a = parser().parse_args(j)
        a.extra = extra
        logscrub = a.logscrub or logscrub
        parsed.append(a)
    logscrub = logscrub or shutil.which("logscrub")
    if not logscrub:
        sys.exit("logscrub_spark: no logscrub on PATH; give --logscrub PATH")
    for a in parsed:
        a.logscrub = logscrub
    return parsed


def main(argv):
    jobs = parse(argv)
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("logscrub").getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("WARN")
    # Shipped under the name tasks look for, whatever the binary is called here.
    ship = tempfile.mkdtemp(prefix="logscrub-spark-")
    shutil.copy2(jobs[0].logscrub, os.path.join(ship, "logscrub"))
    sc.addFile(os.path.join(ship, "logscrub"))
    try:
        for a in jobs:
            {"stats": stats, "anonymize": anonymize}[a.job](sc, a)
    finally:
        spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
