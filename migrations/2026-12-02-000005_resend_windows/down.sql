DROP TABLE webhook_resend_windows;
