"""The judicial-record system (the Department of Justice's): requests for record extracts No. 1 and No. 2."""
