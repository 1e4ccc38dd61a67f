"""Volunteering (志愿服务): organisations, activities with shifts, sign-ups with a waitlist, hours, recruitment."""
