"""The province's feedback system: citizens' feedback (PAKN) with its handling, and dossier satisfaction ratings."""
