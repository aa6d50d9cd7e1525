"""Vietnamese domain rules: administrative units and their re-coding, agency codes, the calendar, citizen IDs,
document types, and the reference seeds built from them. Imports only the core."""
