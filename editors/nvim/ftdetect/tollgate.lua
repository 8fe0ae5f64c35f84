-- `.gate` files are Tollgate policies (an autocommand: Neovim 0.7 reads `vim.filetype.add` only when asked to).
vim.cmd("autocmd BufRead,BufNewFile *.gate setfiletype tollgate")
