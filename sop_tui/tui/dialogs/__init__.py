"""Modal dialogs: capture forms (assumption, decision, action, open cycle) and confirmations."""
