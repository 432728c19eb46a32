"""kefu inbound mail throughput: parse, accept (store + enqueue) and process (thread + write).

For each database (SQLite, PostgreSQL) this script

1. creates a fresh data dir (and for PostgreSQL a fresh database, ``kefu_mail_bench`` on
   127.0.0.1:5432) and runs ``kefu migrate`` (the demo mailbox support@demo.kefu.local
   comes with the migrations);
2. in a subprocess with that environment, for two message sets in turn:

   * the shared corpus ``/work/shared/data/mail/zammad/*.box`` (skipped with a note when
     absent), and
   * ``--generated`` deterministic Chinese messages (``--seed``): GB2312 (some with
     GBK-only characters under the GB2312 label), GBK, GB18030, UTF-8 and Big5; base64,
     quoted-printable and 8bit bodies; plain text or text + HTML; some with small
     attachments (RFC 2231 and encoded-word file names); about a third are replies that
     quote the earlier message, most with In-Reply-To / References, some with only the
     "回复：" subject (threading by subject);

   it measures separately

   * parse: ``kefu.mail.parse.parse_message`` on every message (nothing stored);
   * accept: ``kefu.mailin.services.mail_accept`` (raw bytes stored + job enqueued, one
     commit per mail, as the SMTP server calls it);
   * process: the queued jobs run as ``kefu worker`` runs them (``claim_next`` +
     ``run_job``: the "mailin.process" handler parses, finds the customer, threads,
     writes the ticket or message and attachments; on-commit handlers such as SLA and
     routing run in the same process, as they do in a worker);

   and the end-to-end rate (accept + process);
3. checks the counts: every new mail processed exactly once (one attempt, one done job),
   no failed mail or job (failures are printed), and for the generated set that every
   thread landed in one ticket and different threads in different tickets.

Run it from the repository root::

    .venv/bin/python bench/mail_ingest.py                       # both databases, 2,500 generated
    .venv/bin/python bench/mail_ingest.py --generated 10000     # issue 5's figure: ~20 minutes
    .venv/bin/python bench/mail_ingest.py --db sqlite --generated 500

The default of 2,500 generated messages keeps a run of both databases near 5 minutes on
2 shared cores (processing runs at about 20 mails/s); the rates barely move with the
count (500 and 2,500 gave the same SQLite figure). Processing also runs the "mailout.send"
jobs it queues (the acknowledgement to each new ticket's customer, sent to the locmem
backend): their share is printed per job kind.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime as dt
import json
import os
import quopri
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
BENCH_DB_NAME = "kefu_mail_bench"
DEFAULT_CORPUS = Path("/work/shared/data/mail/zammad")
if not DEFAULT_CORPUS.is_dir():
    DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "mail" / "zammad"
DEMO = "support@demo.kefu.local"
RESULT_MARK = "KEFU_RESULT "
CRLF = "\r\n"

# --------------------------------------------------------------------------- generated mail

SUBJECTS = ["订单迟迟未发货", "申请退款", "发票抬头填写错误", "商品与描述不符", "会员积分没有到账",
            "快递显示已签收但没收到", "修改收货地址", "优惠券无法使用", "账户无法登录",
            "退货运费由谁承担", "商品有质量问题", "想开增值税专用发票"]
SUBJECTS_TRAD = ["請問訂單何時出貨", "申請退款", "發票抬頭填寫錯誤", "商品與描述不符",
                 "會員積分沒有到帳", "修改收貨地址", "優惠券無法使用", "帳戶無法登入"]
SENTENCES = ["您好，我在三天前下的订单至今没有物流信息，请帮忙查一下。",
             "收到的商品包装破损，里面的杯子碎了两个。",
             "麻烦尽快处理，我下周要出差。", "发票抬头应该是“上海某某科技有限公司”，税号见附件。",
             "我已经在网上提交过退款申请，但一直显示处理中。",
             "请问你们的客服电话是多少？我打了好几次都没人接。",
             "快递员说已经放在门卫了，但门卫说没有收到。", "积分应该在确认收货后七天内到账吧？",
             "新地址：北京市海淀区中关村大街一号，邮编 100080。",
             "优惠券满两百减三十，结算时提示不可用。", "谢谢！", "急！！！",
             "朱镕基时代的老客户了，这次的服务太啰嗦了。"]  # 镕 and 啰 are GBK, not GB2312
SENTENCES_TRAD = ["您好，請問我的訂單何時出貨？謝謝。", "收到的商品包裝破損，請協助處理。",
                  "我已經申請退款，但一直顯示處理中。", "請盡快回覆，感謝。",
                  "新地址：臺北市信義區市府路一號。", "發票抬頭請開公司名稱。"]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林高罗"
GIVEN = ["小明", "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
         "杰", "娟", "涛", "超", "秀兰", "霞", "镕基"]
NAMES_TRAD = ["陳大文", "林志明", "黃美玲", "張家豪", "李淑芬", "王建國", "吳宗憲", "劉德華"]
DOMAINS = ["qq.com", "163.com", "126.com", "sina.com", "foxmail.com", "example.cn", "aliyun.com"]
CHARSETS = [("utf-8", 45), ("gb2312", 20), ("gbk", 15), ("gb18030", 10), ("big5", 10)]
ENCODINGS = {"utf-8": ["base64", "8bit", "quoted-printable"], "gb2312": ["base64", "base64", "8bit"],
             "gbk": ["base64", "8bit"], "gb18030": ["base64", "8bit"],
             "big5": ["quoted-printable", "base64"]}


@dataclass
class Sender:
    name: str
    address: str
    charset: str
    cte: str
    html: bool
    messages: int = 0


@dataclass
class Thread:
    index: int
    sender: Sender
    subject: str
    ids: list[str] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)


@dataclass
class Generated:
    raw: bytes
    message_id: str
    thread: int
    reply: bool
    by_subject_only: bool


def _encode(text: str, charset: str) -> bytes:
    if charset == "gb2312":
        try:
            return text.encode("gb2312")
        except UnicodeEncodeError:
            return text.encode("gbk")  # common in real mail: GBK bytes under a GB2312 label
    return text.encode(charset)


def _word(text: str, charset: str, rng: random.Random) -> str:
    data = _encode(text, charset)
    if rng.random() < 0.15:
        quoted = "".join(chr(b) if 0x30 <= b < 0x7F and chr(b).isalnum() else f"={b:02X}"
                         for b in data)
        return f"=?{charset.upper()}?Q?{quoted}?="
    return f"=?{charset.upper()}?B?{base64.b64encode(data).decode()}?="


def _body(data: bytes, cte: str) -> bytes:
    if cte == "base64":
        return base64.encodebytes(data).replace(b"\n", b"\r\n")
    if cte == "quoted-printable":
        return quopri.encodestring(data.replace(b"\r\n", b"\n")).replace(b"\n", b"\r\n")
    return data


def _leaf(text: str, subtype: str, charset: str, cte: str) -> bytes:
    head = (f"Content-Type: text/{subtype}; charset={charset}{CRLF}"
            f"Content-Transfer-Encoding: {cte}{CRLF}{CRLF}")
    return head.encode() + _body(_encode(text.replace("\n", CRLF), charset), cte)


def _multipart(kind: str, parts: list[bytes], boundary: str) -> tuple[str, bytes]:
    out = b"This is a multi-part message in MIME format.\r\n"
    for part in parts:
        out += f"{CRLF}--{boundary}{CRLF}".encode() + part
    out += f"{CRLF}--{boundary}--{CRLF}".encode()
    return f'multipart/{kind}; boundary="{boundary}"', out


def _attachment(rng: random.Random, charset: str) -> bytes:
    kind = rng.randrange(3)
    if kind == 0:
        name, ctype = "发票.pdf", "application/pdf"
        data = b"%PDF-1.4\n" + rng.randbytes(rng.randint(1000, 6000))
    elif kind == 1:
        name, ctype = "截图.png", "image/png"
        data = b"\x89PNG\r\n\x1a\n" + rng.randbytes(rng.randint(500, 4000))
    else:
        name, ctype = "订单明细.txt", "text/plain"
        data = _encode("订单号,金额\n20261124001,199.00\n", charset if charset != "big5" else "utf-8")
    if rng.random() < 0.5:
        disposition = "attachment; filename*=UTF-8''" + urllib.parse.quote(name.encode())
        ct_name = ""
    else:
        word = _word(name, charset if charset != "big5" else "utf-8", rng)
        disposition = f'attachment; filename="{word}"'
        ct_name = f'; name="{word}"'
    head = (f"Content-Type: {ctype}{ct_name}{CRLF}Content-Transfer-Encoding: base64{CRLF}"
            f"Content-Disposition: {disposition}{CRLF}{CRLF}")
    return head.encode() + _body(data, "base64")


def _html(text: str) -> str:
    import html

    out, quote = [], False
    for line in text.split("\n"):
        if line.startswith(">") and not quote:
            out.append("<blockquote>")
            quote = True
        elif not line.startswith(">") and quote:
            out.append("</blockquote>")
            quote = False
        out.append(f"<div>{html.escape(line.lstrip('> ')) or '<br>'}</div>")
    if quote:
        out.append("</blockquote>")
    return "<html><body>" + "\n".join(out) + "</body></html>"


def _new_sender(rng: random.Random, serial: int) -> Sender:
    charset = rng.choices([c for c, _ in CHARSETS], weights=[w for _, w in CHARSETS])[0]
    if charset == "big5":
        name = rng.choice(NAMES_TRAD)
    else:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if charset == "gb18030" and rng.random() < 0.3:
            name = "𠮷" + name[1:]  # a four-byte GB18030 character
    address = f"kehu{serial:05d}@{rng.choice(DOMAINS)}"
    return Sender(name=name, address=address, charset=charset,
                  cte=rng.choice(ENCODINGS[charset]), html=rng.random() < 0.4)


def generate(count: int, seed: int) -> list[Generated]:
    """``count`` raw messages to support@demo.kefu.local, the same for the same seed."""
    rng = random.Random(seed)
    senders = [_new_sender(rng, i) for i in range(max(20, count // 4))]
    threads: list[Thread] = []
    out: list[Generated] = []
    when = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    for i in range(count):
        when += dt.timedelta(seconds=rng.randint(5, 90))
        open_threads = [t for t in threads[-400:] if len(t.ids) < 6 and t.sender.messages < 12]
        reply = bool(open_threads) and rng.random() < 0.35
        if reply:
            thread = rng.choice(open_threads)
        else:
            sender = rng.choice(senders)
            while sender.messages >= 12:  # well under the loop guard (20 mails in 10 minutes)
                sender = rng.choice(senders)
            trad = sender.charset == "big5"
            topic = rng.choice(SUBJECTS_TRAD if trad else SUBJECTS)
            thread = Thread(index=len(threads), sender=sender, subject=f"{topic} 订单 2026{i:06d}" if not trad
                            else f"{topic} 訂單 2026{i:06d}")
            threads.append(thread)
        sender = thread.sender
        sender.messages += 1
        trad = sender.charset == "big5"
        lines = rng.sample(SENTENCES_TRAD if trad else SENTENCES, k=rng.randint(1, 3))
        if sender.charset == "gb2312" and "朱镕基" not in "".join(lines) and rng.random() < 0.1:
            lines.append(SENTENCES[-1])
        if sender.charset == "gb18030" and rng.random() < 0.3:
            lines.append("收件人：𠮷野家，价格 €12")
        text = "\n".join(lines) + f"\n\n{sender.name}"
        if reply:
            quoted = "\n".join("> " + line for line in thread.bodies[-1].split("\n"))
            said = "寫道" if trad else "写道"
            text += f"\n\n在 {when:%Y年%m月%d日 %H:%M}，{sender.name} <{sender.address}> {said}：\n{quoted}"
        message_id = f"<{seed}.{i}.{rng.getrandbits(40):010x}@{sender.address.split('@')[1]}>"
        by_subject_only = reply and rng.random() < 0.1
        headers = [
            f'From: "{_word(sender.name, sender.charset, rng)}" <{sender.address}>',
            f"To: =?UTF-8?B?{base64.b64encode('客服'.encode()).decode()}?= <{DEMO}>",
            "Subject: " + _word(((("回覆：" if trad else "回复：") if rng.random() < 0.7 else "Re: ")
                                 if reply else "") + thread.subject, sender.charset, rng),
            f"Date: {when:%a, %d %b %Y %H:%M:%S %z}",
            f"Message-ID: {message_id}",
            "MIME-Version: 1.0",
            "X-Mailer: Foxmail 7.2" if rng.random() < 0.5 else "User-Agent: Mozilla Thunderbird",
        ]
        if reply and not by_subject_only:
            headers.append(f"In-Reply-To: {thread.ids[-1]}")
            headers.append("References: " + f"{CRLF} ".join(thread.ids[-10:]))
        plain = _leaf(text, "plain", sender.charset, sender.cte)
        if sender.html:
            ctype, body = _multipart("alternative", [plain, _leaf(_html(text), "html", sender.charset,
                                                                   sender.cte)], f"alt-{i}")
        else:
            head, _, body = plain.partition(b"\r\n\r\n")
            ctype = ""
        if rng.random() < 0.12:
            inner = (f"Content-Type: {ctype}{CRLF}{CRLF}".encode() + body) if ctype else plain
            parts = [inner] + [_attachment(rng, sender.charset) for _ in range(rng.randint(1, 2))]
            ctype, body = _multipart("mixed", parts, f"mix-{i}")
        if ctype:
            headers.append(f"Content-Type: {ctype}")
            raw = (CRLF.join(headers) + CRLF + CRLF).encode() + body
        else:
            raw = (CRLF.join(headers) + CRLF).encode() + head + b"\r\n\r\n" + body
        thread.ids.append(message_id)
        thread.bodies.append("\n".join(lines))
        out.append(Generated(raw=raw, message_id=message_id, thread=thread.index, reply=reply,
                             by_subject_only=by_subject_only))
    return out


# --------------------------------------------------------------------------- in the subprocess


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _corpus(path: Path) -> list[bytes]:
    return [p.read_bytes() for p in sorted(path.glob("*.box"))]


def _measure_set(name: str, raws: list[bytes], expect: list[Generated] | None) -> dict[str, Any]:
    from django.db.models import Count

    from kefu.jobs.claims import claim_next, lease_length
    from kefu.jobs.models import Job
    from kefu.jobs.worker import new_worker_id, run_job
    from kefu.mail.parse import parse_message
    from kefu.mailin.choices import InboundStatus, Source
    from kefu.mailin.models import InboundMail
    from kefu.mailin.services import PROCESS_JOB, MailRefused, mail_accept
    from kefu.tickets.models import Message, Ticket

    result: dict[str, Any] = {"set": name, "messages": len(raws), "problems": []}
    problems: list[str] = result["problems"]

    # 1. parse only
    warned = crashed = 0
    started = time.perf_counter()
    for raw in raws:
        mail = parse_message(raw)
        if mail.warnings:
            warned += 1
            if mail.warnings[-1].startswith("parser failed"):
                crashed += 1
    result["parse_s"] = time.perf_counter() - started
    result["parse_warned"], result["parse_crashed"] = warned, crashed

    # 2. accept: store raw + enqueue, one commit each
    first_job = (Job.objects.order_by("-id").values_list("id", flat=True).first() or 0)
    tickets_before = Ticket.objects.count()
    ids: list[int] = []
    known = set(InboundMail.objects.values_list("id", flat=True))
    refused: Counter[str] = Counter()
    duplicates = 0
    started = time.perf_counter()
    for raw in raws:
        try:
            inbound = mail_accept(raw, recipients=[DEMO], source=Source.SMTP)
        except MailRefused as exc:
            refused[str(exc.code)] += 1
            continue
        if inbound.pk in known:
            duplicates += 1
        else:
            known.add(inbound.pk)
            ids.append(inbound.pk)
    result["accept_s"] = time.perf_counter() - started
    result["accepted"], result["duplicates"], result["refused"] = len(ids), duplicates, dict(refused)

    # 3. process: the worker's own claim and run, one job after the other
    worker_id, lease = new_worker_id(), lease_length()
    ran = ok = 0
    kind_s: dict[str, float] = {}
    started = time.perf_counter()
    while True:
        job = claim_next(worker_id=worker_id, lease=lease)
        if job is None:
            break
        ran += 1
        job_started = time.perf_counter()
        ok += run_job(job, worker_id=worker_id, lease=lease)
        kind_s[job.kind] = kind_s.get(job.kind, 0.0) + time.perf_counter() - job_started
    result["process_s"] = time.perf_counter() - started
    result["process_kind_s"] = {k: round(v, 2) for k, v in kind_s.items()}
    result["jobs_run"], result["jobs_ok"] = ran, ok

    # counts and checks
    jobs = Job.objects.filter(id__gt=first_job)
    by_kind = {f"{row['kind']}:{row['status']}": row["n"]
               for row in jobs.values("kind", "status").annotate(n=Count("id"))}
    result["jobs"] = by_kind
    mails = InboundMail.objects.filter(pk__in=ids).defer("raw")
    statuses = Counter(mails.values_list("status", flat=True))
    result["statuses"] = dict(statuses)
    result["ignored"] = dict(Counter(mails.filter(status=InboundStatus.IGNORED)
                                     .values_list("ignored_reason", flat=True)))
    result["tickets_created"] = Ticket.objects.count() - tickets_before
    threaded: Counter[str] = Counter()
    metas = Message.objects.filter(
        pk__in=mails.exclude(ticket_message=None).values("ticket_message")
    ).values_list("channel_meta", flat=True)
    for meta in metas:
        threaded[(meta or {}).get("threaded_by") or "new"] += 1
    result["threaded"] = dict(threaded)
    result["replies_threaded"] = sum(n for k, n in threaded.items() if k != "new")
    process_jobs = jobs.filter(kind=PROCESS_JOB)
    if process_jobs.count() != len(ids):
        problems.append(f"{process_jobs.count()} {PROCESS_JOB} jobs for {len(ids)} accepted mails")
    not_done = process_jobs.exclude(status="done", attempts=1).count()
    if not_done:
        problems.append(f"{not_done} {PROCESS_JOB} jobs not done in exactly one attempt")
    if ran != ok:
        problems.append(f"{ran - ok} of {ran} jobs failed")
    if mails.exclude(attempts=1).exists():
        problems.append(f"{mails.exclude(attempts=1).count()} mails not processed exactly once")
    for bad in mails.filter(status__in=[InboundStatus.FAILED, InboundStatus.RECEIVED])[:10]:
        last = (bad.error.strip().splitlines() or ["(no error)"])[-1]
        problems.append(f"mail {bad.pk} {bad.message_id[:60]} {bad.status}: {last[:200]}")
    for job in jobs.filter(status="failed")[:5]:
        last = (job.last_error.strip().splitlines() or ["(no error)"])[-1]
        problems.append(f"job {job.pk} {job.kind} failed: {last[:200]}")
    if expect is not None:
        result.update(_check_threads(expect, problems))
    return result


def _check_threads(expect: list[Generated], problems: list[str]) -> dict[str, Any]:
    """Every generated thread in exactly one ticket, different threads in different tickets."""
    from kefu.mailin.models import InboundMail

    ticket_of = dict(InboundMail.objects.filter(message_id__in=[g.message_id for g in expect])
                     .values_list("message_id", "ticket_id"))
    tickets_of_thread: dict[int, set[int | None]] = {}
    for g in expect:
        tickets_of_thread.setdefault(g.thread, set()).add(ticket_of.get(g.message_id))
    split = sum(1 for t in tickets_of_thread.values() if len(t) > 1 or None in t)
    owners: Counter[int | None] = Counter()
    for found in tickets_of_thread.values():
        for ticket in found:
            owners[ticket] += 1
    merged = sum(1 for ticket, n in owners.items() if ticket is not None and n > 1)
    if split:
        problems.append(f"{split} generated threads not in exactly one ticket")
    if merged:
        problems.append(f"{merged} tickets hold more than one generated thread")
    return {"threads": len(tickets_of_thread), "replies": sum(g.reply for g in expect),
            "replies_subject_only": sum(g.by_subject_only for g in expect),
            "threads_split": split, "tickets_shared": merged}


def internal_run(corpus: str, generated: int, seed: int) -> None:
    _django()
    from django.db import connection

    out: dict[str, Any] = {"vendor": connection.vendor, "sets": [], "notes": []}
    path = Path(corpus)
    if path.is_dir() and any(path.glob("*.box")):
        out["sets"].append(_measure_set("corpus", _corpus(path), None))
    else:
        out["notes"].append(f"corpus {path} absent: skipped")
    if generated > 0:
        started = time.perf_counter()
        mails = generate(generated, seed)
        out["generate_s"] = time.perf_counter() - started
        out["generated_bytes"] = sum(len(g.raw) for g in mails)
        out["sets"].append(_measure_set(f"generated (seed {seed})", [g.raw for g in mails], mails))
    print(RESULT_MARK + json.dumps(out), flush=True)


# --------------------------------------------------------------------------- driver


def pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.encode())


def pg_database_url(admin_url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(admin_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def run_db(db: str, args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix=f"kefu-mail-bench-{db}-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DJANGO_SETTINGS_MODULE="kefu.config.settings", KEFU_DATA_DIR=str(workdir / "data"),
               KEFU_LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1",
               KEFU_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    env.pop("KEFU_DEBUG", None)
    if db == "postgres":
        env["DATABASE_URL"] = pg_database_url(args.pg_url, BENCH_DB_NAME)
        pg_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{BENCH_DB_NAME}" WITH (FORCE)')
        pg_admin(args.pg_url, f'CREATE DATABASE "{BENCH_DB_NAME}"')
    try:
        log(f"{db}: migrating a fresh database ...")
        started = time.perf_counter()
        kefu = BIN / "kefu"
        cmd = [str(kefu), "migrate"] if kefu.exists() else [
            sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"]
        proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"migrate failed:\n{proc.stdout}\n{proc.stderr}")
        migrate_s = time.perf_counter() - started
        log(f"{db}: migrated in {migrate_s:.0f} s; parse, accept, process ...")
        proc = subprocess.run(
            [sys.executable, __file__, "--internal", "--corpus", str(args.corpus),
             "--generated", str(args.generated), "--seed", str(args.seed)],
            env=env, cwd=ROOT, capture_output=True, text=True)
        lines = [x for x in proc.stdout.splitlines() if x.startswith(RESULT_MARK)]
        if proc.returncode != 0 or not lines:
            raise RuntimeError(f"bench run failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n"
                               f"{proc.stderr[-5000:]}")
        result: dict[str, Any] = json.loads(lines[-1][len(RESULT_MARK):])
        result["db"], result["migrate_s"] = db, migrate_s
        stderr = [x for x in proc.stderr.splitlines() if x.strip()]
        result["stderr_lines"] = len(stderr)
        result["stderr_tail"] = stderr[-5:]
        return result
    finally:
        if not args.keep:
            if db == "postgres":
                with contextlib.suppress(Exception):
                    pg_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{BENCH_DB_NAME}" WITH (FORCE)')
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log(f"{db}: kept {workdir}")


def _rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f}" if seconds > 0 else "-"


def report(results: list[dict[str, Any]]) -> int:
    header = ("| db | set | phase | messages | seconds | msgs/s | tickets created | replies threaded |")
    print("\n" + header)
    print("|" + "---|" * 8)
    problems = 0
    for res in results:
        for s in res["sets"]:
            n, accepted = s["messages"], s["accepted"]
            rows = [("parse", n, s["parse_s"], "", ""),
                    ("accept", n, s["accept_s"], "", ""),
                    ("process", accepted, s["process_s"], s["tickets_created"], s["replies_threaded"]),
                    ("end to end", n, s["accept_s"] + s["process_s"], s["tickets_created"],
                     s["replies_threaded"])]
            for phase, count, seconds, tickets, replies in rows:
                print(f"| {res['db']} | {s['set']} | {phase} | {count:,} | {seconds:.2f} | "
                      f"{_rate(count, seconds)} | {tickets} | {replies} |")
    print()
    for res in results:
        print(f"{res['db']} ({res['vendor']}): migrate {res['migrate_s']:.1f} s"
              + (f"; generating took {res['generate_s']:.1f} s, "
                 f"{res['generated_bytes'] / 1e6:.1f} MB" if "generate_s" in res else ""))
        for note in res["notes"]:
            print(f"  note: {note}")
        for s in res["sets"]:
            print(f"  {s['set']}: {s['messages']} messages, {s['accepted']} accepted, "
                  f"{s['duplicates']} duplicates, refused {s['refused'] or 'none'}; parse warnings on "
                  f"{s['parse_warned']}, parser failures {s['parse_crashed']}")
            print(f"    mail status {s['statuses']}, ignored {s['ignored'] or 'none'}, "
                  f"threaded by {s['threaded']}")
            print(f"    jobs {s['jobs']}; seconds in run_job by kind {s['process_kind_s']} "
                  "(the rest of process: claiming)")
            if "threads" in s:
                print(f"    generated: {s['threads']} threads, {s['replies']} replies "
                      f"({s['replies_subject_only']} by subject only); threads split "
                      f"{s['threads_split']}, tickets shared {s['tickets_shared']}")
            for problem in s["problems"]:
                print(f"    PROBLEM: {problem}")
                problems += 1
        if res["stderr_lines"]:
            print(f"  {res['stderr_lines']} stderr lines, last: {res['stderr_tail']}")
    print("\nchecks: " + ("all passed" if not problems else f"{problems} problem(s)"))
    return problems


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--db", choices=["both", "sqlite", "postgres"], default="both")
    parser.add_argument("--generated", type=int, default=2_500,
                        help="how many Chinese messages to generate (default 2,500: about 6 minutes for both databases on 2 shared cores; 0: none)")
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="folder of *.box messages (skipped when absent)")
    parser.add_argument("--pg-url", default=DEFAULT_PG_ADMIN_URL,
                        help="an admin connection; the bench database is made beside it")
    parser.add_argument("--keep", action="store_true", help="keep the data dir and database")
    parser.add_argument("--internal", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.internal:
        internal_run(str(args.corpus), args.generated, args.seed)
        return 0
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    started = time.perf_counter()
    results = [run_db(db, args) for db in dbs]
    problems = report(results)
    print(f"whole run {time.perf_counter() - started:.0f} s")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
