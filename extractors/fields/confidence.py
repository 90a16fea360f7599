"""Named confidence levels: what a field's confidence says about how its value was read.

Every extractor scores a value with one of these, so a threshold has a meaning. Auto-approval
(`BACKOFFICE_AUTO_APPROVE_CONFIDENCE`, default 0.95) asks every required field to be at least
PRINTED: printed beside its own label in the form its field takes, or better, confirmed by a
cross-check. Anything placed by layout, joined from pieces or guessed stays below it and goes
to a reviewer. OCR then lowers a value to what Tesseract thought of its words
(`base.SURE_OCR`). The levels are ordered; their gaps matter less than their order, which
calibration (`bench.accuracy`, `bench.realdocs`) checks: values at 0.9 and above are right
at least 98% of the time."""

# An independent cross-check agrees: the lines sum to it, the amount in words says it.
CONFIRMED = 0.98
# Other printed figures reproduce it: quantity × unit price, subtotal + VAT, the lines' sum.
CORROBORATED = 0.97
# Printed beside its own label, in the form its field takes (a valid tax code, a date).
PRINTED = 0.95
# Stated in so many words: a clause or sentence that names what it is.
STATED = 0.93
# Read from a recognised phrase and normalised (a date, sum or place written out).
PHRASED = 0.92
# Read where a reviewer's correction of this sender's layout says it is printed, in its
# field's form (`extractors.memory`): right as often as the layout holds, worth a look.
LEARNED = 0.91
# Found by its label; the value's own form checks less (free text, a wrapped value).
LABELLED = 0.9
# Matched by a fixed phrase in running text; where it ends is less certain.
IN_PROSE = 0.88
# Placed by layout, or joined from pieces (lines, cells): usually right, worth a look.
INFERRED = 0.85
# Its meaning comes from the figures or lines around it, not from a header or label.
BY_CONTEXT = 0.8
# Chosen by where it sits on the page, with a form that supports it (a company's legal form).
BY_POSITION = 0.75
# A candidate its own check could not confirm (a tax code whose check digit fails).
UNCHECKED = 0.7
# The likeliest of several candidates, with nothing to confirm it.
GUESS = 0.6
# A cross-check disagrees with it: kept for the reviewer, never trusted.
DISPUTED = 0.5
