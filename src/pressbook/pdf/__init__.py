"""The print edition: the print HTML (`documents`), WeasyPrint (`weasy`, its only importer), the
edition in pieces (`pieces`) rendered in a pool of processes (`pool`) and joined with pikepdf
(`join`), imposition for printing (`impose`) and the HTML export (`export`)."""
