"""Problem reports (随手拍): photos, grid routing, deadlines with escalation, public board, satisfaction."""
