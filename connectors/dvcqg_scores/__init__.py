"""The Decision 766 scores the national dashboard publishes, as a province exports them (CSV/Excel), to set Kho's
own figures against."""
