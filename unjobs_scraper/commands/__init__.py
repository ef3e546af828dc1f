"""Project commands (``COMMANDS_MODULE``); they appear in ``scrapy -h``."""
