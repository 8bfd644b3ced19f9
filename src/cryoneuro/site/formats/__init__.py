"""Date and number formats per language (``FORMAT_MODULE_PATH``): one format per locale,
used by every page, form and the slot picker. Both languages write dates day first
(``d/m/Y``: the clinic is in a day-first country, and an English page must not read
03/04 as March 4 where the French page says 3 April); French numbers take a decimal comma."""
