"""`cap site`: the plan as a static website with trends from git (see cap.site.build)."""

from cap.site.build import CSP, SiteError, SiteResult, build_site, slug

__all__ = ["CSP", "SiteError", "SiteResult", "build_site", "slug"]
