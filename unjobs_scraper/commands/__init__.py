"""Project commands (``COMMANDS_MODULE``); they appear in ``scrapy -h``.

Scrapy imports every module here for every command it runs (to list them), so what only one
command needs and costs a noticeable share of a second to load (the web stack, Playwright, the
webhook sender) is imported inside that command, not at the top of its module.
"""
