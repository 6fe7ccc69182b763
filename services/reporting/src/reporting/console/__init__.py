"""The staff console: Indonesian web pages under `/console/`, served by the reporting service
from the same origin as the APIs, so the pages call every service without cross-origin rules.

The pages are plain ES modules and CSS in `web/`; the few npm packages they use are pinned by
`web/package-lock.json`, installed by `make console-assets` and served under `/console/vendor/`.
"""
