// previews
