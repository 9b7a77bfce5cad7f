"""Simplified Chinese: group digits by three with a comma (11,313), as CLDR's zh locale does
(decimal pattern ``#,##0.###``) and as statistics in mainland China are printed. Django's own
zh_Hans data has no separator at all, so large counts on the research pages read as 11313
(issue 11). Dates and the rest come from Django's module."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
