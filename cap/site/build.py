"""`cap site`: the plan as a folder of static pages, from the templates in cap/templates/site/.

    >>> result = build_site(Path("data"), Path("public"), dt.date(2026, 11, 30))   # doctest: +SKIP
    >>> result.pages                                                              # doctest: +SKIP
    58

Pages: Home (the report's dashboard and every action, with a filter box), Trends (from
git, cap.site.walk), one page per action, per theme, per case and per lead agency, and
an index of themes, cases and agencies. Links are relative, so the folder works opened
from disk and under any sub-path; one stylesheet and one small script; a
Content-Security-Policy allows nothing from elsewhere. The same data, history and
as-of date give the same bytes (the build date appears only with `stamp`).
"""

from __future__ import annotations

import dataclasses

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from cap import templating
from cap.changes import FieldEdited, ProgressEdited
from cap.dates import format_uk
from cap.historyview import FIELD_NAMES, label, shorten_equal
from cap.models import STATUSES, Plan, natural_key
from cap.problems import Problem
from cap.query import Filters, days_overdue, lead_groups
from cap.reports import html as report_html
from cap.reports.model import DEFAULT_TITLE, Report, Row, build_report
from cap.reports.since import paper_detail
from cap.outputs import check_output
from cap.site import charts
from cap.site.files import SiteFolderError, write_site_files
from cap.site.walk import Timeline, read_timeline
from cap.slugs import file_slug as slug, unique_slugs  # noqa: F401  (slug: the one agency file name)

#: Nothing from elsewhere: the one stylesheet and the one script, from this folder.
CSP = ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
       "base-uri 'none'; form-action 'none'")
STATUS_WORDS = {"open": "Open", "in-progress": "In progress", "complete": "Complete", "closed": "Closed",
                "withdrawn": "Withdrawn"}


class SiteError(Exception):
    """The output folder cannot be used; the message is one clear line."""


@dataclass
class SiteResult:
    out: Path
    pages: int
    timeline: Timeline
    problems: list[Problem] = field(default_factory=list)


class Links:
    """Relative links from one page (`root` is `""` at the top, `"../"` one folder down)."""

    def __init__(self, root: str, agencies: dict[str, str]):
        self.root = root
        self._agencies = agencies

    def href(self, page: str) -> str:
        return self.root + page

    def action_href(self, ref: str) -> str:
        return f"{self.root}actions/{ref}.html"

    def theme_href(self, theme_id: str) -> str:
        return f"{self.root}themes/{theme_id}.html"

    def case_href(self, case_id: str) -> str:
        return f"{self.root}cases/{case_id}.html"

    def lead_href(self, name: str) -> str:
        return f"{self.root}agencies/{self._agencies[name]}.html"


@dataclass
class Group:
    """A theme, a case or an agency, and its actions' rows."""

    key: str
    name: str
    href_key: str
    rows: list[Row]
    note: str | None = None

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.rows if r.days_overdue is not None)

    @property
    def active_rows(self) -> list[Row]:
        return [r for r in self.rows if r.status != "withdrawn"]

    @property
    def withdrawn_rows(self) -> list[Row]:
        return [r for r in self.rows if r.status == "withdrawn"]


def _lead_pages(plan: Plan, agencies: list | None) -> tuple[dict, dict[str, str], dict[str, str]]:
    """The lead agency pages, as `--lead` chooses leads (cap.query.resolve_lead): each lead
    (an agency of agencies.yaml with every lead text naming it, or a lead text naming none)
    with its lead texts; its page's file name; and the page of each lead text and agency name."""
    groups = {lead: texts for lead, (_names, texts) in lead_groups(plan.actions, agencies).items() if texts}
    slugs = unique_slugs(lead.name for lead in groups)
    pages = {lead.name: slugs[lead.name] for lead in groups}  # (the counts by agency name it)
    pages.update({text: slugs[lead.name] for lead, texts in groups.items() for text in texts})
    return groups, slugs, pages


def _change_view(change) -> dict[str, Any]:
    """One change of an action's history, for the template: name, words, and a word diff."""
    segments = None
    if isinstance(change, (ProgressEdited, FieldEdited)) and not (
        isinstance(change, FieldEdited) and change.before.split() == change.after.split()
    ):
        segments = shorten_equal(change.diff)
    prefix = ""
    if isinstance(change, ProgressEdited):
        prefix = f"{format_uk(change.after.date, full_year=True)}" + (f" ({change.after.author})" if change.after.author else "") + ": "
    return {"label": label(change), "detail": paper_detail(change), "segments": segments, "prefix": prefix,
            "sep": getattr(change, "separator", " ") if isinstance(change, FieldEdited) else " "}


def _trend_context(timeline: Timeline, theme_names: dict[str, str]) -> dict[str, Any]:
    if not timeline.available:
        return {"available": False, "reason": timeline.reason}
    days = [m.day for m in timeline.months]
    status_series = [charts.Series(STATUS_WORDS[s], tuple(m.count(s) for m in timeline.months)) for s in STATUSES]
    status_series.append(charts.Series("Overdue", tuple(m.overdue for m in timeline.months)))
    order = list(theme_names)  # the plan's theme order; themes no longer in the plan last
    themes = sorted(timeline.themes, key=lambda t: (order.index(t) if t in order else len(order), t))
    theme_series = [charts.Series(theme_names.get(t, t), tuple(m.overdue_in(t) for m in timeline.months))
                    for t in themes]
    revisions = [n for _month, n in timeline.revisions]
    return {
        "available": True,
        "months": timeline.months,
        "first": timeline.first,
        "status_chart": charts.line_chart("trend-status", "Actions by status and overdue, at each month end",
                                          days, status_series),
        "status_series": status_series,
        "theme_chart": charts.line_chart("trend-themes", "Overdue actions by theme, at each month end",
                                         days, theme_series),
        "theme_series": theme_series,
        "revision_chart": charts.bar_chart("trend-revisions", "Target dates revised, by month of the revision",
                                           days, revisions),
        "revisions": timeline.revisions,
        "revisions_before": timeline.revisions_before,
        "commits": timeline.commits,
        "shallow": timeline.shallow,
    }


def build_site(data_dir: Path, out: Path, as_of: dt.date, plan: Plan, *, title: str | None = None,
               stamp: dt.date | None = None, timeline: Timeline | None = None,
               agencies: list | None = None) -> SiteResult:
    """Write the site for `plan` (loaded from `data_dir`) into `out`, as of `as_of`; the
    lead agency pages group the leads by the `agencies` of data/agencies.yaml, if any."""
    out = Path(out)
    check_output(out, data_dir, folder=True)  # OutputRefused: in, or holding, the data folder
    if out.exists() and not out.is_dir():
        raise SiteError(f"cannot write the site to {out}: it is a file, not a folder")
    if timeline is None:
        timeline = read_timeline(data_dir, as_of)
    title = title or DEFAULT_TITLE
    report = build_report(plan, Filters(), as_of, title=title, stamp=stamp, agencies=agencies)
    from cap.rounds.status import round_block

    report = dataclasses.replace(report, round=round_block(data_dir, plan, as_of))  # the latest round (issue 23)
    lead_texts, lead_slugs, lead_pages = _lead_pages(plan, agencies)
    rows = {r.ref: r for r in report.rows}
    actions = {a.ref: a for a in plan.actions}
    theme_names = {t.id: f"{t.number}. {t.title}" for t in plan.themes}

    themes = [Group(t.id, f"{t.number}. {t.title}", t.id, [r for r in report.rows if r.theme == t.id])
              for t in plan.themes]
    known = {t.id for t in plan.themes}
    for theme_id in sorted({r.theme for r in report.rows} - known):  # `cap validate` would complain
        themes.append(Group(theme_id, theme_id, theme_id, [r for r in report.rows if r.theme == theme_id]))
    cases = [Group(s.id, s.title, s.id,
                   [r for r in report.rows if s.id.lower() in (x.lower() for x in r.scrs) or r.all_scrs], s.note)
             for s in plan.scrs]
    leads = [Group(lead.key, lead.name, lead_slugs[lead.name], [r for r in report.rows if texts.intersection(r.lead)])
             for lead, texts in sorted(lead_texts.items(), key=lambda kv: (kv[0].name.casefold(), kv[0].name))]

    common = {
        "title": title, "report": report, "csp": Markup(CSP), "statuses": STATUSES, "status_words": STATUS_WORDS,
        "stamp": stamp, "as_of": as_of, "as_of_text": report.as_of_text, "inline_css": "",
        **{k: v for k, v in report_html.context(report).items() if k != "report"},
    }
    common["chart"] = {**common["chart"], "inline_style": False}
    pages: dict[str, str] = {}

    def page(path: str, template: str, **context: Any) -> None:
        root = "../" * path.count("/")
        links = Links(root, lead_pages)
        pages[path] = templating.render(f"site/{template}", site=links, root=root, path=path,
                                        stylesheet=root + "site.css", **common, **context)

    page("index.html", "home.html", current="home")
    page("trends.html", "trends.html", current="trends", trend=_trend_context(timeline, theme_names))
    page("themes.html", "groups.html", current="themes", groups=themes, kind="theme",
         heading="Themes", noun="Theme")
    page("cases.html", "groups.html", current="cases", groups=cases, kind="case",
         heading="Cases (serious case reviews)", noun="Case")
    page("agencies.html", "groups.html", current="agencies", groups=leads, kind="lead",
         heading="Lead agencies", noun="Lead agency")
    for group in themes:
        page(f"themes/{group.href_key}.html", "group.html", current="themes", group=group, kind="theme")
    for group in cases:
        page(f"cases/{group.href_key}.html", "group.html", current="cases", group=group, kind="case")
    for group in leads:
        page(f"agencies/{group.href_key}.html", "group.html", current="agencies", group=group, kind="lead")
    for ref, action in actions.items():
        steps = timeline.histories.get(ref, [])
        history = [{"commit": s.commit, "changes": [_change_view(c) for c in s.changes], "problems": s.problems}
                   for s in steps]
        page(f"actions/{ref}.html", "action.html", current="", action=action, row=rows[ref],
             theme_name=theme_names.get(action.theme, action.theme),
             overdue_days=days_overdue(action, as_of), history=history, history_available=timeline.available,
             history_reason=timeline.reason, case_ids={s.id for s in plan.scrs})
    files = {path: text.encode("utf-8") for path, text in pages.items()}
    files["site.css"] = (report_html.CSS + templating.text("site.css")).encode("utf-8")
    files["find.js"] = templating.text("find.js").encode("utf-8")
    try:
        write_site_files(out, files, data_dir)
    except SiteFolderError as exc:
        raise SiteError(str(exc)) from None
    except OSError as exc:
        raise SiteError(f"cannot write the site to {out}: {exc.strerror or exc}") from None
    return SiteResult(out, len(pages), timeline)
